// Server side of a SPDY/3.1 connection as client-go opens it: the client creates every stream
// (odd ids), the server answers each SYN_STREAM with a SYN_REPLY and then both sides exchange
// DATA until each has sent FIN (or one resets the stream).
//
// Contract: each accepted stream is a Node Duplex (readable = the client's DATA, ending at its
// FIN; writable = our DATA, end() sends FIN). A stream destroyed before both FINs were exchanged
// sends RST_STREAM(CANCEL); a RST from the client destroys the stream without an error (readers
// see 'close' without 'end'), so a reset never surfaces as an unhandled 'error'. PINGs are
// echoed (kubectl pings every 5 s and drops the connection without answers). GOAWAY and the
// end of the transport are reported to the owner, which decides when to close.
import { Duplex } from 'node:stream';
import {
  FLAG_FIN, FrameParser, FrameType, HeaderCodec, MAX_DATA_FRAME, RstStatus, controlFrame, dataFrame, u32s,
  type Frame, type Headers,
} from './spdy-frames.js';
import type { ByteTransport } from './transport.js';

export interface SpdyHandlers {
  /** Whether to accept a new stream with these headers (false: RST_STREAM REFUSED_STREAM). */
  accept(headers: Headers): boolean;
  /** An accepted stream, after its SYN_REPLY went out. */
  stream(stream: SpdyStream): void;
  /** The client sent GOAWAY: it opens no more streams. */
  goaway?(): void;
  /** The transport is gone; every stream has been destroyed. */
  closed?(): void;
}

export class SpdyStream extends Duplex {
  #localFin = false;
  #remoteFin = false;
  #reset = false;

  constructor(private readonly session: SpdySession, readonly id: number, readonly headers: Headers) {
    // A generous read buffer: the transport is paused only when a consumer falls this far behind.
    super({ allowHalfOpen: true, readableHighWaterMark: 1024 * 1024, writableHighWaterMark: MAX_DATA_FRAME });
  }

  /** True once neither side can send any more on this stream. */
  get done(): boolean { return this.#reset || (this.#localFin && this.#remoteFin); }

  override _read(): void { this.session.unblock(this); }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.#reset || this.#localFin) { cb(); return; }
    this.session.sendData(this.id, chunk, false, cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    if (this.#reset || this.#localFin) { cb(); return; }
    this.#localFin = true;
    this.session.sendData(this.id, Buffer.alloc(0), true, cb);
    this.session.forgetIfDone(this);
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (!this.done) {
      this.#reset = true;
      this.session.sendReset(this.id, RstStatus.CANCEL);
    }
    this.session.forget(this);
    cb(err);
  }

  /** DATA from the client. */
  receive(data: Buffer, fin: boolean): void {
    if (this.#remoteFin || this.destroyed) return;
    if (data.length && !this.push(data)) this.session.block(this);
    if (fin) {
      this.#remoteFin = true;
      this.push(null);
      this.session.forgetIfDone(this);
    }
  }

  /** RST_STREAM from the client. */
  remoteReset(): void {
    this.#reset = true;
    this.destroy();
  }
}

export class SpdySession {
  readonly #codec = new HeaderCodec();
  readonly #parser = new FrameParser();
  readonly #streams = new Map<number, SpdyStream>();
  readonly #blocked = new Set<SpdyStream>();
  #lastStreamId = 0;
  #goneAway = false;
  #closed = false;

  constructor(private readonly transport: ByteTransport, private readonly handlers: SpdyHandlers) {
    transport.onData((bytes) => this.#feed(bytes));
    transport.onClose(() => this.#onClosed());
  }

  get streamCount(): number { return this.#streams.size; }
  get goneAway(): boolean { return this.#goneAway; }

  /** Sends GOAWAY and closes the transport once queued bytes are out. */
  close(): void {
    if (this.#closed) return;
    this.transport.write(controlFrame(FrameType.GOAWAY, 0, u32s(this.#lastStreamId, 0)));
    this.transport.end();
  }

  destroy(): void { this.transport.destroy(); }

  sendData(id: number, data: Buffer, fin: boolean, cb: () => void): void {
    if (this.#closed) { cb(); return; }
    for (let at = 0; at < data.length || (at === 0 && fin); at += MAX_DATA_FRAME) {
      const end = Math.min(at + MAX_DATA_FRAME, data.length);
      this.transport.write(dataFrame(id, fin && end === data.length ? FLAG_FIN : 0, data.subarray(at, end)));
      if (end === data.length) break;
    }
    if (this.transport.needsDrain()) this.transport.onDrain(cb);
    else cb();
  }

  sendReset(id: number, status: number): void {
    if (!this.#closed) this.transport.write(controlFrame(FrameType.RST_STREAM, 0, u32s(id, status)));
  }

  block(s: SpdyStream): void {
    if (this.#blocked.size === 0) this.transport.pause();
    this.#blocked.add(s);
  }

  unblock(s: SpdyStream): void {
    if (this.#blocked.delete(s) && this.#blocked.size === 0) this.transport.resume();
  }

  forgetIfDone(s: SpdyStream): void { if (s.done) this.forget(s); }

  forget(s: SpdyStream): void {
    this.unblock(s);
    if (this.#streams.get(s.id) === s) this.#streams.delete(s.id);
  }

  #feed(bytes: Buffer): void {
    try {
      for (const frame of this.#parser.push(bytes)) this.#onFrame(frame);
    } catch {
      // A frame we cannot parse (or a header block that does not inflate) leaves the
      // connection in an unknown state: tell the client and drop it.
      this.transport.write(controlFrame(FrameType.GOAWAY, 0, u32s(this.#lastStreamId, 1)));
      this.transport.destroy();
    }
  }

  #onFrame(f: Frame): void {
    if (!f.control) {
      this.#streams.get(f.streamId)?.receive(f.data, (f.flags & FLAG_FIN) !== 0);
      return;
    }
    const p = f.payload;
    switch (f.type) {
      case FrameType.SYN_STREAM: {
        const id = p.readUInt32BE(0) & 0x7fffffff;
        // Always inflate, so the shared zlib stream stays in step even for refused streams.
        const headers = this.#codec.decode(p.subarray(10));
        this.#onSynStream(id, headers, (f.flags & FLAG_FIN) !== 0);
        break;
      }
      case FrameType.HEADERS:
        this.#codec.decode(p.subarray(4));
        break;
      case FrameType.RST_STREAM:
        this.#streams.get(p.readUInt32BE(0) & 0x7fffffff)?.remoteReset();
        break;
      case FrameType.PING:
        // Client pings carry odd ids; echoing the frame unchanged is the answer.
        if (p.readUInt32BE(0) & 1) this.transport.write(controlFrame(FrameType.PING, 0, p));
        break;
      case FrameType.GOAWAY:
        this.#goneAway = true;
        this.handlers.goaway?.();
        break;
      default:
        // SETTINGS, WINDOW_UPDATE: client-go never relies on our answer to either.
        break;
    }
  }

  #onSynStream(id: number, headers: Headers, fin: boolean): void {
    if (this.#goneAway) return;
    if (id === 0 || id % 2 === 0 || id <= this.#lastStreamId) {
      this.sendReset(id, RstStatus.PROTOCOL_ERROR);
      return;
    }
    this.#lastStreamId = id;
    if (!this.handlers.accept(headers)) {
      this.sendReset(id, RstStatus.REFUSED_STREAM);
      return;
    }
    const stream = new SpdyStream(this, id, headers);
    this.#streams.set(id, stream);
    this.transport.write(controlFrame(FrameType.SYN_REPLY, 0, Buffer.concat([u32s(id), this.#codec.encode({})])));
    this.handlers.stream(stream);
    if (fin) stream.receive(Buffer.alloc(0), true);
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of [...this.#streams.values()]) s.remoteReset();
    this.#streams.clear();
    this.handlers.closed?.();
  }
}
