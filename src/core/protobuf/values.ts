// Wire values to their JSON form: scalars as Go's encoding/json prints them, and the apimachinery
// types whose JSON is not their message shape (Time, MicroTime, IntOrString, Quantity, raw JSON).
import { WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT, WireReader, malformed } from './wire.js';
import type { ScalarType, SpecialType } from './table.js';

const utf8 = new TextDecoder(); // not fatal: invalid UTF-8 becomes U+FFFD, as Go's JSON does

export const toUtf8 = (b: Uint8Array): string => utf8.decode(b);

/** The wire type a non-packed value of this scalar type arrives in. */
export function scalarWire(type: ScalarType): number {
  switch (type) {
    case 'string': case 'bytes': return WIRE_BYTES;
    case 'double': return WIRE_FIXED64;
    case 'float': return WIRE_FIXED32;
    default: return WIRE_VARINT;
  }
}

/** Reads one scalar whose key has been read; bytes become base64, as Go's JSON writes []byte. */
export function readScalar(r: WireReader, type: ScalarType): string | number | boolean {
  switch (type) {
    case 'string': return toUtf8(r.bytes());
    case 'bytes': return Buffer.from(r.bytes()).toString('base64');
    case 'bool': return r.varint() !== 0n;
    // Negative int32s are sign-extended to 64 bits on the wire; asIntN folds them back.
    case 'int32': return Number(BigInt.asIntN(32, r.varint()));
    case 'int64': return Number(BigInt.asIntN(64, r.varint()));
    case 'uint32': return Number(BigInt.asUintN(32, r.varint()));
    case 'uint64': return Number(r.varint());
    case 'double': return r.fixed64().getFloat64(0, true);
    case 'float': return r.fixed32().getFloat32(0, true);
  }
}

/** The zero value of a scalar, which Go's JSON leaves out of omitempty fields. */
export function isZeroScalar(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

/** Calls `each` for every field of a small embedded message, type-checking its wire type. */
function eachField(bytes: Uint8Array, where: string, want: Record<number, number>,
  each: (field: number, r: WireReader) => void): void {
  const r = new WireReader(bytes, where);
  while (!r.done) {
    const { field, wire } = r.key();
    const expected = want[field];
    if (expected === undefined) r.skip(wire);
    else if (wire !== expected) throw malformed(where, `wrong wire type ${wire} for field ${field}`);
    else each(field, r);
  }
}

/** Seconds since the epoch (and nanoseconds) as RFC 3339 in UTC, Go's Time/MicroTime layout. */
function rfc3339(seconds: bigint, nanos: bigint, micro: boolean, where: string): string {
  const total = seconds * 1_000_000_000n + nanos; // time.Unix normalises nanos outside [0, 1e9)
  let secs = total / 1_000_000_000n;
  let frac = total % 1_000_000_000n;
  if (frac < 0n) { frac += 1_000_000_000n; secs -= 1n; }
  const date = new Date(Number(secs) * 1000);
  const year = date.getUTCFullYear();
  // Go refuses to print a time whose year has more than four digits; so do we, as a bad request.
  if (Number.isNaN(year) || year < 0 || year > 9999) throw malformed(where, 'time outside of year range [0,9999]');
  const head = date.toISOString().slice(0, 19); // four-digit years print without a sign
  return micro ? `${head}.${String(frac / 1000n).padStart(6, '0')}Z` : `${head}Z`;
}

function timeValue(bytes: Uint8Array, micro: boolean, where: string): string | undefined {
  if (bytes.length === 0) return undefined; // the zero Time, which Go's JSON prints as null
  let seconds = 0n;
  let nanos = 0n;
  eachField(bytes, where, { 1: WIRE_VARINT, 2: WIRE_VARINT }, (f, r) => {
    if (f === 1) seconds = BigInt.asIntN(64, r.varint());
    else nanos = BigInt.asIntN(32, r.varint());
  });
  // meta/v1 Time keeps whole seconds only when decoded from protobuf; MicroTime keeps the nanos.
  return rfc3339(seconds, micro ? nanos : 0n, micro, where);
}

function intOrString(bytes: Uint8Array, where: string): number | string {
  let type = 0n;
  let intVal = 0;
  let strVal = '';
  eachField(bytes, where, { 1: WIRE_VARINT, 2: WIRE_VARINT, 3: WIRE_BYTES }, (f, r) => {
    if (f === 1) type = BigInt.asIntN(64, r.varint());
    else if (f === 2) intVal = Number(BigInt.asIntN(32, r.varint()));
    else strVal = toUtf8(r.bytes());
  });
  if (type === 0n) return intVal;
  if (type === 1n) return strVal;
  throw malformed(where, `impossible IntOrString.Type ${type}`);
}

/** The single length-delimited field 1 of a message (Quantity.string, RawExtension.raw). */
function field1(bytes: Uint8Array, where: string): Uint8Array | undefined {
  let out: Uint8Array | undefined;
  eachField(bytes, where, { 1: WIRE_BYTES }, (_f, r) => { out = r.bytes(); });
  return out;
}

/** Decodes a special type; undefined where Go's JSON would print null. */
export function specialValue(type: SpecialType, bytes: Uint8Array, where: string): unknown {
  switch (type) {
    case 'time': return timeValue(bytes, false, where);
    case 'microtime': return timeValue(bytes, true, where);
    case 'intstr': return intOrString(bytes, where);
    // Kept as sent, like a JSON body's quantity string; validation parses it later either way.
    case 'quantity': { const s = field1(bytes, where); return s ? toUtf8(s) : '0'; }
    case 'rawjson': {
      const raw = field1(bytes, where);
      if (!raw || raw.length === 0) return undefined;
      try {
        return JSON.parse(toUtf8(raw)) as unknown;
      } catch {
        throw malformed(where, 'embedded raw object is not JSON');
      }
    }
  }
}
