// exec and attach over WebSocket: `v5.channel.k8s.io` (kubectl >= 1.30, client libraries),
// `v4.channel.k8s.io` (python), and the older channel protocols.
//
// Contract (upstream wsstream + remotecommand): every message is one channel byte + payload;
// 0 stdin (in), 1 stdout, 2 stderr, 3 status (out), 4 resize (in), and in v5 only 255 = "the
// client closed channel <payload[0]>" (stdin EOF). An empty message on the lowest output
// channel announces the session. At the end the status goes on channel 3 (v4/v5: Status JSON;
// older: the error text, nothing on success), then a close frame (1000); the socket is
// released when the client answers it (kubectl waits for the close, not for the status).
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ExecOptions } from './options.js';
import { ResizeQueue, runSession, statusText } from './remotecommand.js';
import type { Pod, PodStreams } from './types.js';
import { channelCodec, channelWriter, messageBytes } from './websocket.js';

export const EXEC_WS_PROTOCOLS = [
  'v5.channel.k8s.io', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io',
  'channel.k8s.io', 'base64.channel.k8s.io', '',
] as const;

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

export async function serveExecWebSocket(
  ws: WebSocket, socket: Socket, protocol: string, opts: ExecOptions, pod: Pod, podStreams: PodStreams,
): Promise<void> {
  const codec = channelCodec(protocol);
  const v5 = protocol.startsWith('v5.');
  const jsonStatus = v5 || protocol.startsWith('v4.');
  const abort = new AbortController();
  ws.once('close', () => abort.abort());

  const stdin = opts.stdin
    ? new Readable({ highWaterMark: 1024 * 1024, read: () => ws.resume() })
    : undefined;
  const resize = opts.tty ? new ResizeQueue() : undefined;
  const endStdin = () => { if (stdin && !stdin.readableEnded) stdin.push(null); };
  ws.once('close', () => { endStdin(); resize?.end(); });

  ws.on('message', (data, isBinary) => {
    const msg = codec.decode(messageBytes(data), isBinary);
    if (!msg) return;
    switch (msg.channel) {
      case STDIN:
        // Backpressure: stop reading the socket until the process has taken what it has.
        if (stdin && !stdin.readableEnded && msg.payload.length && !stdin.push(msg.payload)) ws.pause();
        break;
      case RESIZE:
        resize?.push(msg.payload);
        break;
      case CLOSE:
        if (v5 && msg.payload[0] === STDIN) endStdin();
        break;
      default:
        // Frames for other channels are ignored, as upstream does.
        break;
    }
  });

  const stdout = opts.stdout ? channelWriter(ws, socket, codec, STDOUT) : undefined;
  const stderr = opts.stderr ? channelWriter(ws, socket, codec, STDERR) : undefined;
  ws.send(codec.encode(stdout ? STDOUT : stderr ? STDERR : ERROR, Buffer.alloc(0)));

  const status = await runSession(podStreams, pod, opts, { stdin, stdout, stderr, tty: opts.tty, resize }, abort.signal);
  endStdin();
  resize?.end();
  // Whatever the process did not read is dropped, and the socket must flow again: the
  // client's answer to our close frame is read from it.
  stdin?.resume();
  ws.resume();
  if (ws.readyState !== ws.OPEN) return;
  const text = jsonStatus ? JSON.stringify(status) : statusText(status);
  if (text) ws.send(codec.encode(ERROR, Buffer.from(text)));
  ws.close(1000);
}
