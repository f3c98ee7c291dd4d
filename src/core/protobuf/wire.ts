// A minimal protobuf wire-format reader: just what Kubernetes' go-to-protobuf messages use
// (varints, length-delimited fields, fixed32/64). Every malformed input becomes a 400 ApiError,
// because these bytes come straight from a request body.
import { badRequest, type ApiError } from '../errors.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

/** The 400 every decoding failure turns into; `where` is the JSON path being decoded. */
export function malformed(where: string, why: string): ApiError {
  return badRequest(`unable to decode protobuf body${where ? ` at ${where}` : ''}: ${why}`);
}

export class WireReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array, private readonly where = '') {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Next field key: its number and wire type. */
  key(): { field: number; wire: number } {
    const k = this.varint();
    const field = Number(k >> 3n);
    const wire = Number(k & 7n);
    if (field === 0 || field > 0x1fffffff) throw malformed(this.where, `illegal field number ${field}`);
    return { field, wire };
  }

  /** An unsigned varint of up to 10 bytes (64 bits). BigInt, so int64 values keep every bit. */
  varint(): bigint {
    // Fast path: most varints are short enough for exact float arithmetic (< 2^49).
    let n = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      const b = this.byte();
      n += (b & 0x7f) * mul;
      if (b < 0x80) return BigInt(n);
      mul *= 128;
    }
    let big = BigInt(n);
    let shift = 49n;
    for (let i = 7; i < 10; i++) {
      const b = this.byte();
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, big);
      shift += 7n;
    }
    throw malformed(this.where, 'varint longer than 10 bytes');
  }

  /** A length-delimited payload, as a view into the body (no copy). */
  bytes(): Uint8Array {
    const len = this.varint();
    if (len > BigInt(this.buf.length - this.pos)) throw malformed(this.where, 'unexpected EOF');
    const start = this.pos;
    this.pos += Number(len);
    return this.buf.subarray(start, this.pos);
  }

  fixed64(): DataView {
    return this.fixed(8);
  }

  fixed32(): DataView {
    return this.fixed(4);
  }

  /** Skips a field of the given wire type (unknown fields). Groups are refused: k8s never uses them. */
  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT: this.varint(); return;
      case WIRE_FIXED64: this.fixed(8); return;
      case WIRE_BYTES: this.bytes(); return;
      case WIRE_FIXED32: this.fixed(4); return;
      default: throw malformed(this.where, `unsupported wire type ${wire}`);
    }
  }

  private fixed(n: number): DataView {
    if (this.pos + n > this.buf.length) throw malformed(this.where, 'unexpected EOF');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, n);
    this.pos += n;
    return view;
  }

  private byte(): number {
    if (this.pos >= this.buf.length) throw malformed(this.where, 'unexpected EOF');
    return this.buf[this.pos++];
  }
}
