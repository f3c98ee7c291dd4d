// Key helpers: prefix ends and byte order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertKey, compareKeys, prefixEnd } from '../keys.js';

test('prefixEnd increments the last code point that can be', () => {
  assert.equal(prefixEnd('/registry/pods/'), '/registry/pods0');
  assert.equal(prefixEnd('/a'), '/b');
  assert.equal(prefixEnd('/a\u{10FFFF}'), '/b', 'a maximal last code point is dropped');
  assert.equal(prefixEnd('/\uD7FF'), '/\uE000', 'surrogates are skipped');
  assert.equal(prefixEnd('/\uFFFF'), '/\u{10000}');
  assert.equal(prefixEnd(''), undefined);
  assert.equal(prefixEnd('\u{10FFFF}\u{10FFFF}'), undefined);
});

test('every key with the prefix sorts below prefixEnd, and nothing else in between', () => {
  const prefix = '/p\u{1F600}';
  const end = prefixEnd(prefix)!;
  for (const k of [prefix, `${prefix}\u{10FFFF}\u{10FFFF}`, `${prefix}/x`]) {
    assert.ok(compareKeys(k, prefix) >= 0 && compareKeys(k, end) < 0, k);
  }
  for (const k of ['/p\u{1F601}', '/q', '/p\uFFFF']) {
    assert.ok(compareKeys(k, prefix) < 0 || compareKeys(k, end) >= 0, k);
  }
});

test('compareKeys is UTF-8 byte order, not UTF-16 order', () => {
  assert.ok('\u{1F600}' < '\uFFFF', 'UTF-16 says the emoji is smaller');
  assert.ok(compareKeys('\u{1F600}', '\uFFFF') > 0);
  assert.ok(compareKeys('a', 'b') < 0);
  assert.equal(compareKeys('x', 'x'), 0);
});

test('assertKey rejects empty keys and lone surrogates', () => {
  assert.throws(() => assertKey(''), TypeError);
  assert.throws(() => assertKey('/a\uD800'), /not well-formed/);
  assertKey('/a/\u{1F600}');
});
