// SPDY/3.1 framing, the subset client-go (moby/spdystream) speaks: frame layouts, the header
// block codec, and a parser that cuts a byte stream into frames.
//
// Contract: pure byte work, no I/O. Header blocks are compressed with one zlib stream per
// direction for the whole connection (preset dictionary, each block ended by a sync flush), so
// a HeaderCodec belongs to exactly one connection and must see every block, in order, even the
// ones whose headers are ignored. pako is used because Node's zlib cannot keep a stream's state
// across synchronous calls.
import { Deflate, Inflate, Z_SYNC_FLUSH } from 'pako';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';

export const FrameType = {
  SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;

/** RST_STREAM status codes used here. */
export const RstStatus = { PROTOCOL_ERROR: 1, REFUSED_STREAM: 3, CANCEL: 5, INTERNAL_ERROR: 6 } as const;

/** Largest DATA payload we send in one frame: big enough for throughput, small enough to interleave. */
export const MAX_DATA_FRAME = 64 * 1024;
/** Frames the peer sends may not exceed this (the 24-bit length allows 16 MiB). */
const MAX_FRAME = (1 << 24) - 1;

export type Headers = Record<string, string>;

export type Frame =
  | { readonly control: true; readonly type: number; readonly flags: number; readonly payload: Buffer }
  | { readonly control: false; readonly streamId: number; readonly flags: number; readonly data: Buffer };

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(8 + payload.length);
  frame.writeUInt16BE(0x8003, 0); // control bit + version 3
  frame.writeUInt16BE(type, 2);
  frame.writeUInt32BE(((flags & 0xff) << 24 | payload.length) >>> 0, 4);
  payload.copy(frame, 8);
  return frame;
}

export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(8 + data.length);
  frame.writeUInt32BE(streamId & 0x7fffffff, 0);
  frame.writeUInt32BE(((flags & 0xff) << 24 | data.length) >>> 0, 4);
  data.copy(frame, 8);
  return frame;
}

export function u32s(...values: number[]): Buffer {
  const b = Buffer.allocUnsafe(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}

/** Compression state of one connection: an inflater for what arrives, a deflater for what leaves. */
export class HeaderCodec {
  readonly #inflater = new Inflate({ dictionary: SPDY3_DICTIONARY });
  readonly #deflater = new Deflate({ dictionary: SPDY3_DICTIONARY });
  #out: Uint8Array[] = [];

  constructor() {
    this.#inflater.onData = (c) => this.#out.push(c.slice());
    this.#deflater.onData = (c) => this.#out.push(c.slice());
  }

  decode(block: Buffer): Headers {
    this.#out = [];
    this.#inflater.push(block, Z_SYNC_FLUSH);
    if (this.#inflater.err) throw new Error(`spdy: header block does not inflate: ${this.#inflater.msg}`);
    const raw = Buffer.concat(this.#out);
    const headers: Headers = {};
    let at = 0;
    const take = (): string => {
      if (at + 4 > raw.length) throw new Error('spdy: truncated header block');
      const len = raw.readUInt32BE(at);
      at += 4;
      if (at + len > raw.length) throw new Error('spdy: truncated header block');
      const s = raw.toString('utf8', at, at + len);
      at += len;
      return s;
    };
    const count = raw.length >= 4 ? raw.readUInt32BE(0) : 0;
    at = 4;
    for (let i = 0; i < count; i++) {
      const name = take().toLowerCase();
      // Several values of one header are NUL-separated; every header used here has one.
      headers[name] = take().split('\0')[0];
    }
    return headers;
  }

  encode(headers: Headers): Buffer {
    const entries = Object.entries(headers);
    const parts: Buffer[] = [u32s(entries.length)];
    for (const [k, v] of entries) {
      const kb = Buffer.from(k.toLowerCase());
      const vb = Buffer.from(v);
      parts.push(u32s(kb.length), kb, u32s(vb.length), vb);
    }
    this.#out = [];
    this.#deflater.push(Buffer.concat(parts), Z_SYNC_FLUSH);
    return Buffer.concat(this.#out);
  }
}

/** Cuts incoming bytes into frames without re-copying what is already buffered. */
export class FrameParser {
  #chunks: Buffer[] = [];
  #length = 0;

  /** Adds bytes; returns the complete frames now available, in order. */
  push(chunk: Buffer): Frame[] {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    const frames: Frame[] = [];
    while (this.#length >= 8) {
      const head = this.#peek(8);
      const length = head.readUInt32BE(4) & 0xffffff;
      if (length > MAX_FRAME) throw new Error('spdy: frame too large');
      if (this.#length < 8 + length) break;
      const frame = this.#take(8 + length);
      const flags = frame[4];
      if (frame[0] & 0x80) {
        frames.push({ control: true, type: frame.readUInt16BE(2), flags, payload: frame.subarray(8) });
      } else {
        frames.push({ control: false, streamId: frame.readUInt32BE(0) & 0x7fffffff, flags, data: frame.subarray(8) });
      }
    }
    return frames;
  }

  /** Merges leading chunks until the first holds at least n bytes (the caller checked the total). */
  #peek(n: number): Buffer {
    let merged = this.#chunks[0];
    if (merged.length >= n) return merged;
    let count = 1;
    let size = merged.length;
    while (size < n) size += this.#chunks[count++].length;
    merged = Buffer.concat(this.#chunks.slice(0, count), size);
    this.#chunks.splice(0, count, merged);
    return merged;
  }

  #take(n: number): Buffer {
    const first = this.#peek(n);
    if (first.length === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    this.#length -= n;
    return first.subarray(0, n);
  }
}
