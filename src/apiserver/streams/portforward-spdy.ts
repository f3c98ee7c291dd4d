// port-forward over SPDY/3.1: raw (POST + Upgrade, kubectl <= 1.30 and the fallback) or
// tunnelled in WebSocket binary messages (kubectl >= 1.31); the session is the same.
//
// Contract (upstream kubelet portforward httpstream handler): each local connection kubectl
// accepts becomes a pair of streams with the same `requestid` and `port` headers: `error` and
// `data`. Once both are there, PodStreams.portForward runs with the data stream; many pairs run
// at once on one connection. The error stream stays empty (FIN only) unless forwarding failed
// for good: kubectl treats any text there as fatal for the whole port-forward, as upstream
// intends for e.g. a refused connection. A pair incomplete after 30 s is dropped with a message.
import { setMaxListeners } from 'node:events';
import { parsePort } from './options.js';
import type { Headers } from './spdy-frames.js';
import { SpdySession, type SpdyStream } from './spdy-session.js';
import type { ByteTransport } from './transport.js';
import type { Pod, PodStreams } from './types.js';

export const PORTFORWARD_SPDY_PROTOCOLS = ['portforward.k8s.io'];

const STREAM_CREATION_TIMEOUT_MS = 30_000;

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

function validPort(h: Headers): boolean {
  try {
    parsePort(h.port ?? '');
    return true;
  } catch {
    return false;
  }
}

export function servePortForwardSpdy(transport: ByteTransport, pod: Pod, podStreams: PodStreams): void {
  const pairs = new Map<string, Pair>();
  const sessionAbort = new AbortController();
  // One listener per forwarded connection in flight; hundreds at once are normal.
  setMaxListeners(0, sessionAbort.signal);
  const podName = pod.metadata?.name ?? '';

  // Clients older than request ids pair streams by id: error n, data n+2 (upstream's fallback).
  const requestId = (s: SpdyStream): string => s.headers.requestid
    ?? String(s.headers.streamtype === 'error' ? s.id : s.id - 2);

  const session = new SpdySession(transport, {
    accept: (h) => (h.streamtype === 'error' || h.streamtype === 'data') && validPort(h),
    stream(s) {
      const id = requestId(s);
      let pair = pairs.get(id);
      if (!pair) {
        const timer = setTimeout(() => {
          pairs.delete(id);
          fail(pair!, `timed out waiting for streams of request ${id}`);
        }, STREAM_CREATION_TIMEOUT_MS);
        pair = { timer };
        pairs.set(id, pair);
      }
      const kind = s.headers.streamtype as 'error' | 'data';
      if (pair[kind]) {
        s.destroy();
        return;
      }
      pair[kind] = s;
      if (kind === 'error') s.resume(); // the client only FINs it
      if (pair.error && pair.data) {
        clearTimeout(pair.timer);
        pairs.delete(id);
        void forward(pair.error, pair.data);
      }
    },
    // GOAWAY only comes when kubectl shuts down: nothing more will use this connection.
    goaway: () => session.close(),
    closed() {
      sessionAbort.abort();
      for (const p of pairs.values()) clearTimeout(p.timer);
      pairs.clear();
    },
  });

  function fail(pair: Pair, message: string): void {
    pair.error?.end(message);
    pair.data?.destroy();
  }

  async function forward(error: SpdyStream, data: SpdyStream): Promise<void> {
    const port = Number(data.headers.port);
    const abort = new AbortController();
    const stop = () => abort.abort();
    sessionAbort.signal.addEventListener('abort', stop, { once: true });
    // A reset of the data stream (kubectl does so once it has read our FIN) ends this one pair.
    data.once('close', stop);
    try {
      await podStreams.portForward(pod, port, data, abort.signal);
      if (!data.writableEnded) data.end();
      error.end();
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      error.end(`error forwarding port ${port} to pod ${podName}, uid ${pod.metadata?.uid ?? ''}: ${reason}`);
      if (!data.writableEnded) data.end();
    } finally {
      sessionAbort.signal.removeEventListener('abort', stop);
    }
  }
}
