// WebSocket plumbing shared by exec, attach and port-forward: subprotocol choice, the upgrade
// (through `ws`), and the channel framing of the `*channel.k8s.io` protocols.
//
// Contract: `chooseProtocol` picks the first protocol the client offers that the server
// supports (upstream's order), or throws a 400 before any upgrade. `acceptWebSocket` completes
// the handshake echoing exactly that protocol. `ws` refuses protocol names that are not RFC 7230
// tokens (kubectl's `SPDY/3.1+portforward.k8s.io` has a '/'), so the header is rewritten to a
// token-safe alias for `ws` and the original name is put back into the 101 response.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { badRequest } from '../../core/index.js';
import { waitDrain } from './transport.js';

const chosen = new WeakMap<IncomingMessage, { alias: string; original: string }>();

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  clientTracking: false,
  // kubectl's stdin frames are small; this only bounds what a broken client can make us buffer.
  maxPayload: 64 * 1024 * 1024,
  handleProtocols: (_offered, req) => chosen.get(req)?.alias ?? false,
});
wss.on('headers', (headers, req) => {
  const c = chosen.get(req);
  if (!c || c.alias === c.original) return;
  const i = headers.findIndex((h) => h.toLowerCase().startsWith('sec-websocket-protocol:'));
  if (i >= 0) headers[i] = `Sec-WebSocket-Protocol: ${c.original}`;
});

export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  if (!raw) return [];
  return raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

/** The first offered protocol we support; '' when the client offered none and '' is supported. */
export function chooseProtocol(req: IncomingMessage, supported: readonly string[]): string {
  const offered = offeredProtocols(req);
  if (offered.length === 0 && supported.includes('')) return '';
  const pick = offered.find((p) => p !== '' && supported.includes(p));
  if (pick === undefined) {
    throw badRequest(`requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${supported.filter(Boolean).join(' ')}]`);
  }
  return pick;
}

/**
 * Completes the handshake with `protocol` ('' = none echoed). Resolves once the socket is open,
 * or with undefined when the client left first (`ws` then drops the socket without calling back).
 */
export function acceptWebSocket(req: IncomingMessage, socket: Socket, head: Buffer, protocol: string): Promise<WebSocket | undefined> {
  if (protocol) {
    const alias = protocol.replace(/[^A-Za-z0-9!#$%&'*+.^_`|~-]/g, '_');
    chosen.set(req, { alias, original: protocol });
    req.headers['sec-websocket-protocol'] = alias;
  } else {
    delete req.headers['sec-websocket-protocol'];
  }
  return new Promise((resolve) => {
    const gone = () => resolve(undefined);
    socket.once('close', gone);
    wss.handleUpgrade(req, socket, head, (ws) => { socket.off('close', gone); resolve(ws); });
  });
}

/** Channel framing: binary messages `[channel, ...payload]`, or text `'0'+channel` + base64. */
export interface ChannelCodec {
  encode(channel: number, payload: Buffer): Buffer | string;
  decode(data: Buffer, isBinary: boolean): { channel: number; payload: Buffer } | undefined;
}

export function channelCodec(protocol: string): ChannelCodec {
  if (protocol.includes('base64.')) {
    return {
      encode: (ch, p) => String.fromCharCode(48 + ch) + p.toString('base64'),
      decode(data) {
        if (data.length === 0) return undefined;
        return { channel: data[0] - 48, payload: Buffer.from(data.subarray(1).toString('latin1'), 'base64') };
      },
    };
  }
  return {
    encode(ch, p) {
      const frame = Buffer.allocUnsafe(p.length + 1);
      frame[0] = ch;
      p.copy(frame, 1);
      return frame;
    },
    decode: (data) => (data.length === 0 ? undefined : { channel: data[0], payload: data.subarray(1) }),
  };
}

export function messageBytes(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Largest payload put in one message, so one huge write does not become one huge frame. */
const MAX_MESSAGE = 256 * 1024;

/** A Writable whose bytes go out on one channel; its callback waits while the socket is full. */
export function channelWriter(ws: WebSocket, socket: Socket, codec: ChannelCodec, channel: number): Writable {
  return new Writable({
    highWaterMark: MAX_MESSAGE,
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) { cb(); return; }
      for (let at = 0; at < chunk.length; at += MAX_MESSAGE) {
        ws.send(codec.encode(channel, chunk.subarray(at, at + MAX_MESSAGE)));
      }
      waitDrain(socket, () => cb());
    },
  });
}
