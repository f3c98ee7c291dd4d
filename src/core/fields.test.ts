import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError } from './errors.js';
import {
  convertFieldSelector, customFieldLabels, DEFAULT_FIELD_LABELS, escapeFieldValue, parseFieldSelector,
} from './fields.js';

test('parseFieldSelector: terms, operators, escaping, order', () => {
  const cases: Array<[string, string]> = [
    ['', ''],
    [',', ''],
    ['metadata.name=web-0', 'metadata.name=web-0'],
    ['a==b', 'a=b'],
    ['c!=d,a=b', 'a=b,c!=d'],
    ['a=b\\,c', 'a=b\\,c'],
    ['a=x\\=y\\\\z', 'a=x\\=y\\\\z'],
    ['a=', 'a='],
    ['a=!b', 'a=!b'],
    ['involvedObject.name=web-0,involvedObject.namespace=default,involvedObject.uid=1-2',
      'involvedObject.name=web-0,involvedObject.namespace=default,involvedObject.uid=1-2'],
  ];
  for (const [input, want] of cases) assert.equal(parseFieldSelector(input).toString(), want, input);
  assert.equal(parseFieldSelector('a=b\\,c').requirements[0]!.value, 'b,c');
  assert.equal(escapeFieldValue('a,b=c\\'), 'a\\,b\\=c\\\\');
});

test('FieldSelector matching treats absent attributes as empty', () => {
  const pod = { 'metadata.name': 'web-0', 'spec.nodeName': '', 'status.phase': 'Running' };
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['metadata.name=web-0', true],
    ['metadata.name==web-0', true],
    ['metadata.name=web-1', false],
    ['metadata.name!=web-1', true],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
    ['status.phase=Running,metadata.name=web-0', true],
    ['status.phase=Running,metadata.name=web-1', false],
    ['unknown.field=', true],
    ['unknown.field=x', false],
  ];
  for (const [sel, want] of cases) assert.equal(parseFieldSelector(sel).matches(pod), want, sel);
  assert.equal(parseFieldSelector('metadata.name=web-0,a!=b').requiresExactMatch('metadata.name'), 'web-0');
  assert.equal(parseFieldSelector('metadata.name!=web-0').requiresExactMatch('metadata.name'), undefined);
});

test('parseFieldSelector errors are upstream messages, 400 BadRequest', () => {
  const cases: Array<[string, string]> = [
    ['abc', "invalid selector: 'abc'; can't understand 'abc'"],
    ['x=1,abc', "invalid selector: 'x=1,abc'; can't understand 'abc'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a!==b', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseFieldSelector(input),
      (e: unknown) => isApiError(e) && e.code === 400 && e.reason === 'BadRequest' && e.message === message, input);
  }
});

test('convertFieldSelector: allowed labels, aliases and both upstream messages', () => {
  const pods = customFieldLabels(['metadata.name', 'metadata.namespace', 'spec.nodeName'], { 'spec.host': 'spec.nodeName' });
  assert.equal(convertFieldSelector(parseFieldSelector('spec.host=node-1'), pods).toString(), 'spec.nodeName=node-1');
  assert.equal(convertFieldSelector(parseFieldSelector('metadata.name=a'), DEFAULT_FIELD_LABELS).toString(), 'metadata.name=a');
  const cases: Array<[string, typeof pods, string]> = [
    ['spec.foo=bar', pods, 'field label not supported: spec.foo'],
    // Sorted order decides which unsupported label is reported first.
    ['z=1,a=2', pods, 'field label not supported: a'],
    ['spec.foo=bar', DEFAULT_FIELD_LABELS,
      '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"'],
  ];
  for (const [sel, policy, message] of cases) {
    assert.throws(() => convertFieldSelector(parseFieldSelector(sel), policy),
      (e: unknown) => isApiError(e) && e.code === 400 && e.message === message, message);
  }
});
