// port-forward over the WebSocket channel protocol (`v4.channel.k8s.io` and older; the python
// client's portforward()): one WebSocket is one connection to each port in `?ports=`.
//
// Contract (upstream kubelet portforward websocket handler): port i has a data channel 2i
// (both ways) and an error channel 2i+1 (out). The first message on each channel is the port as
// a little-endian u16. Clients cannot half-close a channel, so the client side of a connection
// ends when the pod side does (or the WebSocket closes). Errors are written as text on the
// error channel. When every port is done the WebSocket is closed (1000).
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Pod, PodStreams } from './types.js';
import { channelCodec, channelWriter, messageBytes } from './websocket.js';

export const PORTFORWARD_WS_PROTOCOLS = [
  'v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'channel.k8s.io', 'base64.channel.k8s.io', 'portforward.k8s.io', '',
] as const;

export async function servePortForwardWebSocket(
  ws: WebSocket, socket: Socket, protocol: string, ports: readonly number[], pod: Pod, podStreams: PodStreams,
): Promise<void> {
  const codec = channelCodec(protocol);
  const abort = new AbortController();
  ws.once('close', () => abort.abort());

  // One Duplex per port: readable = the client's bytes on channel 2i; writable = out on it.
  // Ending the writable (the pod side closed) also ends the readable: see the contract above.
  const outputs = ports.map((_p, i) => channelWriter(ws, socket, codec, 2 * i));
  const inputs = ports.map((_p, i) => {
    const d: Duplex = new Duplex({
      allowHalfOpen: true,
      read: () => ws.resume(),
      write: (chunk: Buffer, enc, cb) => { outputs[i].write(chunk, enc, cb); },
      final: (cb) => { if (!d.readableEnded) d.push(null); outputs[i].end(() => cb()); },
    });
    return d;
  });
  ws.on('message', (data, isBinary) => {
    const msg = codec.decode(messageBytes(data), isBinary);
    if (!msg || msg.channel % 2 !== 0) return;
    const d = inputs[msg.channel / 2];
    if (d && !d.readableEnded && msg.payload.length && !d.push(msg.payload)) ws.pause();
  });
  ws.once('close', () => { for (const d of inputs) if (!d.readableEnded) d.push(null); });

  const portBytes = (p: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(p); return b; };
  await Promise.all(ports.map(async (port, i) => {
    const stream = inputs[i];
    ws.send(codec.encode(2 * i, portBytes(port)));
    ws.send(codec.encode(2 * i + 1, portBytes(port)));
    try {
      await podStreams.portForward(pod, port, stream, abort.signal);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      const text = `error forwarding port ${port} to pod ${pod.metadata?.name ?? ''}, uid ${pod.metadata?.uid ?? ''}: ${reason}`;
      if (ws.readyState === ws.OPEN) ws.send(codec.encode(2 * i + 1, Buffer.from(text)));
    }
    await new Promise<void>((resolve) => {
      if (stream.writableFinished || stream.destroyed) resolve();
      else stream.once('finish', resolve).once('close', resolve).end();
    });
  }));
  ws.resume();
  if (ws.readyState === ws.OPEN) ws.close(1000);
}
