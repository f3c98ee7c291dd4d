// A tiny protobuf writer for tests: builds bodies field by field, so each test shows its bytes.
type Bytes = number[];

export function varint(value: number | bigint): Bytes {
  let v = BigInt.asUintN(64, BigInt(value)); // negatives: two's complement, 10 bytes, as Go writes them
  const out: Bytes = [];
  while (v >= 0x80n) { out.push(Number(v & 0x7fn) | 0x80); v >>= 7n; }
  out.push(Number(v));
  return out;
}

const key = (field: number, wire: number): Bytes => varint((field << 3) | wire);
const utf8 = (s: string): Bytes => [...Buffer.from(s, 'utf8')];

/** A length-delimited field holding raw bytes. */
export const bytes = (field: number, payload: Bytes | Uint8Array): Bytes =>
  [...key(field, 2), ...varint(payload.length), ...payload];
export const str = (field: number, s: string): Bytes => bytes(field, utf8(s));
export const int = (field: number, v: number | bigint): Bytes => [...key(field, 0), ...varint(v)];
export const bool = (field: number, v: boolean): Bytes => int(field, v ? 1 : 0);
/** An embedded message made of the given fields. */
export const msg = (field: number, ...fields: Bytes[]): Bytes => bytes(field, fields.flat());
/** A map<string, string> entry. */
export const entry = (field: number, k: string, v: string): Bytes => msg(field, str(1, k), str(2, v));

/** The whole request body: magic, then runtime.Unknown around the object's fields. */
export function body(apiVersion: string, kind: string, ...fields: Bytes[]): Uint8Array {
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00,
    ...msg(1, str(1, apiVersion), str(2, kind)), ...bytes(2, fields.flat()), ...str(3, ''), ...str(4, '')]);
}
