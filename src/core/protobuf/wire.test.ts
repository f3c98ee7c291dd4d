import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError } from '../errors.js';
import { WireReader } from './wire.js';
import { varint } from './testdata/writer.js';

const reader = (bytes: number[]): WireReader => new WireReader(Uint8Array.from(bytes), 'spec');

const is400 = (re: RegExp) => (e: unknown): boolean => {
  assert.ok(isApiError(e), `not an ApiError: ${String(e)}`);
  assert.equal(e.code, 400);
  assert.equal(e.reason, 'BadRequest');
  assert.match(e.message, re);
  return true;
};

test('varints: one byte, several bytes, and all 64 bits', () => {
  for (const v of [0n, 1n, 127n, 128n, 300n, 2n ** 35n, 2n ** 49n - 1n, 2n ** 49n, 2n ** 63n, 2n ** 64n - 1n]) {
    assert.equal(reader(varint(v)).varint(), v, String(v));
  }
  // -1 as Go writes an int32: sign-extended to ten bytes.
  assert.equal(BigInt.asIntN(32, reader(varint(-1)).varint()), -1n);
  assert.equal(varint(-1).length, 10);
});

test('keys split into field number and wire type', () => {
  assert.deepEqual(reader([0x0a]).key(), { field: 1, wire: 2 });
  assert.deepEqual(reader(varint((300 << 3) | 0)).key(), { field: 300, wire: 0 });
  assert.throws(() => reader([0x02]).key(), is400(/illegal field number 0/));
});

test('length-delimited payloads are views, bounded by the buffer', () => {
  const r = reader([3, 1, 2, 3, 9]);
  assert.deepEqual([...r.bytes()], [1, 2, 3]);
  assert.equal(r.done, false);
  assert.throws(() => reader([5, 1, 2]).bytes(), is400(/at spec: unexpected EOF/));
  assert.throws(() => reader([...varint(2n ** 62n), 1]).bytes(), is400(/unexpected EOF/));
});

test('truncated and overlong varints are bad requests', () => {
  assert.throws(() => reader([0x80, 0x80]).varint(), is400(/unexpected EOF/));
  assert.throws(() => reader(new Array(11).fill(0xff)).varint(), is400(/longer than 10 bytes/));
});

test('skip moves over every wire type Kubernetes could send and refuses groups', () => {
  const r = reader([0x96, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 2, 0, 0, 1, 2, 3, 4]);
  r.skip(0); r.skip(1); r.skip(2); r.skip(5);
  assert.equal(r.done, true);
  assert.throws(() => reader([]).skip(3), is400(/unsupported wire type 3/));
  assert.throws(() => reader([1, 2]).skip(1), is400(/unexpected EOF/));
});

test('fixed-width values read little-endian', () => {
  const buf = new Uint8Array(8);
  new DataView(buf.buffer).setFloat64(0, 1.5, true);
  assert.equal(reader([...buf]).fixed64().getFloat64(0, true), 1.5);
});
