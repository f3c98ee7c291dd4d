import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity, tryParseQuantity, QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR, Quantity } from './quantity.js';

// Canonical spellings as upstream's Quantity.String() prints them.
const canonical: Array<[string, string]> = [
  ['1Gi', '1Gi'], ['1.5Gi', '1536Mi'], ['1.5Mi', '1536Ki'], ['1.5Ki', '1536'], ['0.5Ki', '512'], ['0.5Mi', '512Ki'],
  ['1024Mi', '1Gi'], ['100Mi', '100Mi'], ['8Mi', '8Mi'], ['10Gi', '10Gi'],
  ['500m', '500m'], ['0.5', '500m'], ['1.5', '1500m'], ['2000m', '2'], ['1000', '1k'], ['1500M', '1500M'], ['1.5G', '1500M'],
  ['0.001', '1m'], ['100m', '100m'], ['1000000k', '1G'], ['0', '0'], ['0.0', '0'], ['0Gi', '0'], ['00', '0'],
  ['1e3', '1e3'], ['1.5e9', '1500e6'], ['5e-1', '500e-3'], ['1e-20', '1e-9'],
  ['0.1n', '1n'], ['3.001n', '4n'], ['1.0000000001', '1000000001n'], ['-1Gi', '-1Gi'], ['-0.5', '-500m'],
  ['55834574848', '55834574848'], ['10000000Ei', '9223372036854775807'], ['.001', '1m'],
  // Text already in canonical shape is echoed verbatim, as upstream caches it.
  ['1.', '1.'], ['1.G', '1.G'], ['+1', '+1'], ['12.34e2', '12.34e2'],
];

test('quantities print in upstream canonical form', () => {
  for (const [input, want] of canonical) assert.equal(parseQuantity(input).toString(), want, input);
});

test('formats are remembered from the suffix', () => {
  assert.equal(parseQuantity('1Gi').format, 'BinarySI');
  assert.equal(parseQuantity('1G').format, 'DecimalSI');
  assert.equal(parseQuantity('1e9').format, 'DecimalExponent');
  assert.equal(parseQuantity('0.000000000001Ki').format, 'DecimalSI'); // rounded up below one unit
});

test('value and milliValue round up away from zero', () => {
  assert.equal(parseQuantity('1.5Gi').value(), 1610612736n);
  assert.equal(parseQuantity('100m').value(), 1n);
  assert.equal(parseQuantity('100m').milliValue(), 100n);
  assert.equal(parseQuantity('1n').milliValue(), 1n);
  assert.equal(parseQuantity('-1.5').value(), -2n);
  assert.equal(parseQuantity('123456789012345678901234').value(), 123456789012345678901234n);
});

test('comparison is exact across formats and scales', () => {
  assert.equal(parseQuantity('1Gi').cmp(parseQuantity('1073741824')), 0);
  assert.equal(parseQuantity('10000T').cmp(parseQuantity('100Gi')), 1);
  assert.equal(parseQuantity('50m').cmp(parseQuantity('100m')), -1);
  assert.equal(parseQuantity('1Gi').cmp(parseQuantity('1G')), 1);
  assert.equal(parseQuantity('0').sign(), 0);
  assert.equal(parseQuantity('-3').sign(), -1);
});

test('arithmetic keeps the receiver format', () => {
  assert.equal(parseQuantity('1Gi').add(parseQuantity('512Mi')).toString(), '1536Mi');
  assert.equal(parseQuantity('1').sub(parseQuantity('250m')).toString(), '750m');
  assert.equal(Quantity.of(3n, 0, 'BinarySI').toString(), '3');
});

test('roundUp to milli keeps already-precise values untouched', () => {
  assert.equal(parseQuantity('1n').roundUp(-3).toString(), '1m');
  const q = parseQuantity('1e3');
  assert.equal(q.roundUp(-3), q);
});

test('bad quantities fail with upstream messages', () => {
  for (const s of ['', 'abc', '1Gb', '1.1.M', '1+1.0M', '1 Gi', '0.1am']) {
    assert.throws(() => parseQuantity(s), { message: QUANTITY_FORMAT_ERROR }, s);
  }
  for (const s of ['1mi', '1e', '1i', '.5i', '-3.01e-']) assert.throws(() => parseQuantity(s), { message: QUANTITY_SUFFIX_ERROR }, s);
  assert.equal(tryParseQuantity('nope'), undefined);
  assert.equal(tryParseQuantity(undefined), undefined);
  assert.equal(tryParseQuantity(2)?.toString(), '2');
});

test('parsed quantities are shared per text: frozen, and a bad text fails the same way every time', () => {
  const a = parseQuantity('1536Mi');
  assert.equal(parseQuantity('1536Mi'), a);
  assert.ok(Object.isFrozen(a));
  assert.throws(() => { (a as { scale: number }).scale = 3; }, TypeError);
  assert.equal(a.toString(), '1536Mi');
  // Arithmetic on a shared instance leaves it alone.
  assert.equal(a.add(parseQuantity('512Mi')).toString(), '2Gi');
  assert.equal(a.toString(), '1536Mi');
  // Surrounding blanks and numbers parse as before (the text is trimmed, numbers printed).
  assert.equal(parseQuantity(' 1.5Gi ').toString(), '1536Mi');
  assert.equal(parseQuantity(5).toString(), '5');
  for (let i = 0; i < 2; i++) {
    assert.throws(() => parseQuantity('1Mk'), { name: 'QuantityParseError', message: QUANTITY_SUFFIX_ERROR });
    assert.throws(() => parseQuantity('x'), { name: 'QuantityParseError', message: QUANTITY_FORMAT_ERROR });
    assert.equal(tryParseQuantity('1Mk'), undefined);
  }
  // Not text at all: a TypeError, as ever (quantityAt reports it as a format error).
  assert.throws(() => parseQuantity(undefined as unknown as string), TypeError);
});
