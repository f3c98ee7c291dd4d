// The SPDY/3.1 session against a scripted client: replies, data both ways, FIN/RST semantics,
// PING echo, refused streams keeping the header compression in step, frames cut anywhere.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constants, deflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';
import { FLAG_FIN, FrameParser, FrameType, HeaderCodec, MAX_DATA_FRAME, RstStatus, controlFrame, dataFrame, u32s, type Frame } from './spdy-frames.js';
import { SpdySession, type SpdyStream } from './spdy-session.js';
import type { ByteTransport } from './transport.js';

function harness(accept: (h: Record<string, string>) => boolean = () => true) {
  const written: Buffer[] = [];
  let onData: (b: Buffer) => void = () => undefined;
  let onClose: () => void = () => undefined;
  const state = { paused: false, ended: false, destroyed: false };
  const transport: ByteTransport = {
    write: (b) => { written.push(b); },
    needsDrain: () => false,
    onDrain: (cb) => cb(),
    pause: () => { state.paused = true; },
    resume: () => { state.paused = false; },
    end: () => { state.ended = true; },
    destroy: () => { state.destroyed = true; onClose(); },
    onData: (cb) => { onData = cb; },
    onClose: (cb) => { onClose = cb; },
  };
  const streams: SpdyStream[] = [];
  const session = new SpdySession(transport, { accept, stream: (s) => streams.push(s) });
  const client = new HeaderCodec(); // the client's side: encodes its blocks, decodes ours
  const parser = new FrameParser();
  let seen = 0;
  return {
    session, streams, state,
    send: (b: Buffer) => onData(b),
    syn: (id: number, headers: Record<string, string>, flags = 0) =>
      controlFrame(FrameType.SYN_STREAM, flags, Buffer.concat([u32s(id, 0), Buffer.from([0, 0]), client.encode(headers)])),
    /** Frames the server wrote since the last call. */
    out(): Frame[] {
      const frames = parser.push(Buffer.concat(written.slice(seen)));
      seen = written.length;
      return frames;
    },
    replyHeaders: (f: Frame) => (f.control ? client.decode(f.payload.subarray(4)) : undefined),
  };
}

describe('spdy session', () => {
  it('answers SYN_STREAM with SYN_REPLY and carries data both ways', async () => {
    const h = harness();
    h.send(h.syn(1, { streamtype: 'stdout' }));
    const [reply] = h.out();
    assert.ok(reply.control && reply.type === FrameType.SYN_REPLY);
    assert.equal(reply.payload.readUInt32BE(0), 1);
    assert.deepEqual(h.replyHeaders(reply), {});
    const s = h.streams[0];
    assert.deepEqual(s.headers, { streamtype: 'stdout' });

    const got: Buffer[] = [];
    s.on('data', (c: Buffer) => got.push(c));
    const ended = new Promise((r) => s.once('end', r));
    h.send(dataFrame(1, 0, Buffer.from('hello ')));
    h.send(dataFrame(1, FLAG_FIN, Buffer.from('world')));
    await ended;
    assert.equal(Buffer.concat(got).toString(), 'hello world');

    s.end(Buffer.from('back'));
    await new Promise((r) => s.once('finish', r));
    const frames = h.out();
    assert.deepEqual(frames.map((f) => (f.control ? f.type : [f.streamId, f.flags, f.data.toString()])), [[1, 0, 'back'], [1, FLAG_FIN, '']]);
    assert.equal(h.session.streamCount, 0, 'a stream finished both ways is forgotten');
  });

  it('parses frames cut at every byte and keeps header compression in step', () => {
    const h = harness();
    const bytes = Buffer.concat([h.syn(1, { streamtype: 'error' }), h.syn(3, { streamtype: 'data', port: '80', requestid: '0' })]);
    for (const b of bytes) h.send(Buffer.from([b]));
    assert.deepEqual(h.streams.map((s) => s.headers), [{ streamtype: 'error' }, { streamtype: 'data', port: '80', requestid: '0' }]);
    assert.deepEqual(h.out().map((f) => f.control && h.replyHeaders(f)), [{}, {}]);
  });

  it('refuses streams it does not accept, still inflating their headers', () => {
    const h = harness((hd) => hd.streamtype !== 'bogus');
    h.send(h.syn(1, { streamtype: 'bogus' }));
    h.send(h.syn(3, { streamtype: 'stdin' }));
    const [rst, reply] = h.out();
    assert.ok(rst.control && rst.type === FrameType.RST_STREAM);
    assert.deepEqual([rst.payload.readUInt32BE(0), rst.payload.readUInt32BE(4)], [1, RstStatus.REFUSED_STREAM]);
    assert.ok(reply.control && reply.type === FrameType.SYN_REPLY);
    assert.deepEqual(h.streams.map((s) => s.headers), [{ streamtype: 'stdin' }]);
  });

  it('echoes client pings and ignores settings and window updates', () => {
    const h = harness();
    h.send(controlFrame(FrameType.SETTINGS, 0, u32s(0)));
    h.send(controlFrame(FrameType.WINDOW_UPDATE, 0, u32s(1, 65536)));
    h.send(controlFrame(FrameType.PING, 0, u32s(7)));
    h.send(controlFrame(FrameType.PING, 0, u32s(8)));
    const out = h.out();
    assert.equal(out.length, 1);
    assert.ok(out[0].control && out[0].type === FrameType.PING && out[0].payload.readUInt32BE(0) === 7);
  });

  it('destroys a stream the client resets, and resets one we destroy', () => {
    const h = harness();
    h.send(h.syn(1, { streamtype: 'data' }));
    h.send(h.syn(3, { streamtype: 'data' }));
    h.out();
    const [a, b] = h.streams;
    let errored = false;
    a.on('error', () => (errored = true));
    h.send(controlFrame(FrameType.RST_STREAM, 0, u32s(1, RstStatus.CANCEL)));
    assert.ok(a.destroyed);
    assert.equal(h.out().length, 0, 'no RST in answer to a RST');
    b.destroy();
    const [rst] = h.out();
    assert.ok(rst.control && rst.type === FrameType.RST_STREAM && rst.payload.readUInt32BE(0) === 3);
    assert.equal(errored, false);
  });

  it('splits large writes into bounded DATA frames', async () => {
    const h = harness();
    h.send(h.syn(1, { streamtype: 'stdout' }));
    h.out();
    const big = Buffer.alloc(3 * MAX_DATA_FRAME + 10, 7);
    await new Promise<void>((r) => h.streams[0].write(big, () => r()));
    const frames = h.out();
    assert.deepEqual(frames.map((f) => (f.control ? -1 : f.data.length)), [MAX_DATA_FRAME, MAX_DATA_FRAME, MAX_DATA_FRAME, 10]);
  });

  it('pauses the transport while a reader is behind', async () => {
    const h = harness();
    h.send(h.syn(1, { streamtype: 'stdin' }));
    const chunk = Buffer.alloc(512 * 1024);
    h.send(dataFrame(1, 0, chunk));
    h.send(dataFrame(1, 0, chunk));
    h.send(dataFrame(1, 0, chunk));
    assert.equal(h.state.paused, true);
    h.streams[0].resume();
    await new Promise((r) => setImmediate(r));
    assert.equal(h.state.paused, false);
  });

  it('drops a connection whose header block does not inflate', () => {
    const h = harness();
    h.send(controlFrame(FrameType.SYN_STREAM, 0, Buffer.concat([u32s(1, 0), Buffer.from([0, 0]), Buffer.from('not zlib at all')])));
    assert.ok(h.out().some((f) => f.control && f.type === FrameType.GOAWAY));
    assert.equal(h.state.destroyed, true);
  });

  it('uses the SPDY/3 dictionary byte for byte (zlib accepts blocks made with it)', () => {
    assert.equal(SPDY3_DICTIONARY.length, 1423);
    const block = Buffer.concat([u32s(1), u32s(10), Buffer.from('streamtype'), u32s(5), Buffer.from('error')]);
    const compressed = deflateSync(block, { dictionary: Buffer.from(SPDY3_DICTIONARY), finishFlush: constants.Z_SYNC_FLUSH });
    assert.deepEqual(new HeaderCodec().decode(compressed), { streamtype: 'error' });
  });
});
