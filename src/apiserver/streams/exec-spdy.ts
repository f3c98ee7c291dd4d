// exec and attach over SPDY/3.1 (kubectl 1.27-1.29, and the fallback of later versions).
//
// Contract (upstream remotecommand httpstream handlers): the client opens one stream per
// channel, told apart by the `streamtype` header: error, stdin (with -i), stdout, stderr (not
// with a tty), resize (with a tty, protocol v3 and later). The session starts once all of them
// are there (30 s at most, as the kubelet's stream creation timeout). Stdin EOF is the client's
// FIN on the stdin stream. At the end stdout/stderr get FIN, the status goes on the error
// stream (v4/v5: Status JSON; v1-v3: the error text, nothing on success) followed by FIN; the
// client then resets its streams and sends GOAWAY, and we close the connection.
import type { Readable, Writable } from 'node:stream';
import type { ExecOptions } from './options.js';
import { ResizeQueue, runSession, statusText } from './remotecommand.js';
import { SpdySession, type SpdyStream } from './spdy-session.js';
import type { ByteTransport } from './transport.js';
import type { Pod, PodStreams } from './types.js';

/** Server preference is irrelevant: the first protocol the client lists that is here wins. */
export const EXEC_SPDY_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

const STREAM_CREATION_TIMEOUT_MS = 30_000;
/** After the status, how long the client gets to hang up before we do. */
const LINGER_MS = 30_000;

export function serveExecSpdy(transport: ByteTransport, protocol: string, opts: ExecOptions, pod: Pod, podStreams: PodStreams): void {
  const jsonStatus = protocol.startsWith('v5.') || protocol.startsWith('v4.');
  const resizable = opts.tty && !['v2.channel.k8s.io', 'channel.k8s.io'].includes(protocol);
  const expected = 1 + Number(opts.stdin) + Number(opts.stdout) + Number(opts.stderr) + Number(resizable);
  const streams = new Map<string, SpdyStream>();
  const abort = new AbortController();
  let started = false;

  const session = new SpdySession(transport, {
    accept: (h) => ['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(h.streamtype ?? '') && !streams.has(h.streamtype),
    stream(s) {
      streams.set(s.headers.streamtype, s);
      if (streams.size === expected && !started) {
        started = true;
        clearTimeout(creationTimer);
        void run();
      }
    },
    goaway: () => session.close(),
    closed() {
      clearTimeout(creationTimer);
      abort.abort();
    },
  });
  const creationTimer = setTimeout(() => session.close(), STREAM_CREATION_TIMEOUT_MS);

  async function run(): Promise<void> {
    const errorStream = streams.get('error');
    const stdin: Readable | undefined = streams.get('stdin');
    const stdout: Writable | undefined = streams.get('stdout');
    const stderr: Writable | undefined = streams.get('stderr');
    const resizeStream = streams.get('resize');
    let resize: ResizeQueue | undefined;
    if (resizeStream) {
      const queue = resize = new ResizeQueue();
      resizeStream.on('data', (b: Buffer) => queue.push(b)).on('end', () => queue.end()).on('close', () => queue.end());
    }
    // The client never writes on the error stream; reading it lets its FIN complete the stream.
    errorStream?.resume();
    const status = await runSession(podStreams, pod, opts, { stdin, stdout, stderr, tty: opts.tty, resize }, abort.signal);
    resize?.end();
    // Unread stdin must not hold the connection paused: the client's RST/GOAWAY come after it.
    stdin?.resume();
    if (errorStream && !errorStream.destroyed) {
      const text = jsonStatus ? JSON.stringify(status) : statusText(status);
      if (text) errorStream.write(text);
      errorStream.end();
    }
    setTimeout(() => session.destroy(), LINGER_MS).unref();
    if (session.goneAway) session.close();
  }
}
