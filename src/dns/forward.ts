// Forwarding names outside the cluster zone to upstream resolvers, as CoreDNS's `forward .
// /etc/resolv.conf` does: the query goes out over the protocol it came in on, under a fresh
// random ID (so an off-path answer cannot be slipped in), to one upstream after another until
// one answers; the answer goes back under the client's ID. No answer from any: undefined,
// which the server turns into SERVFAIL. Past `maxConcurrent` queries in flight a new one is
// 'busy' (REFUSED), as kubeadm's `forward . /etc/resolv.conf { max_concurrent 1000 }`.
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { connect, isIP } from 'node:net';

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

export type Transport = 'udp' | 'tcp';

const DNS_PORT = 53;
/** CoreDNS forward's read timeout ceiling per upstream. */
const DEFAULT_TIMEOUT_MS = 2000;
/** kubeadm's Corefile: max_concurrent 1000. */
const DEFAULT_MAX_CONCURRENT = 1000;

/** `1.2.3.4`, `1.2.3.4:5353`, `fd00::1`, `[fd00::1]:5353`. */
export function parseUpstream(s: string): Upstream {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) return checked(bracket[1], bracket[2]);
  if (isIP(s)) return checked(s, undefined);
  const colon = s.lastIndexOf(':');
  if (colon > 0 && isIP(s.slice(0, colon)) === 4) return checked(s.slice(0, colon), s.slice(colon + 1));
  throw new Error(`upstream resolver "${s}" is not an IP address with an optional port`);
}

function checked(host: string, port: string | undefined): Upstream {
  const p = port === undefined ? DNS_PORT : Number(port);
  if (!isIP(host) || !Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`upstream resolver "${host}:${port}" is not an IP address and port`);
  return { host, port: p };
}

/** The `nameserver` lines of a resolv.conf, in order (zone-scoped IPv6 addresses kept whole). */
export function parseResolvConf(text: string): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    const host = m?.[1];
    if (host && isIP(host.split('%')[0])) out.push({ host, port: DNS_PORT });
  }
  return out;
}

export async function readResolvConf(path: string): Promise<Upstream[]> {
  return parseResolvConf(await readFile(path, 'utf8'));
}

export interface ForwarderOptions {
  readonly timeoutMs?: number;
  readonly maxConcurrent?: number;
}

export class Forwarder {
  private readonly timeoutMs: number;
  private readonly maxConcurrent: number;
  private inFlight = 0;

  constructor(readonly upstreams: readonly Upstream[], opts: ForwarderOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxConcurrent = opts.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
  }

  /** Sends the query (a whole DNS message) upstream: the reply under the query's own ID, undefined, or 'busy'. */
  async exchange(query: Buffer, transport: Transport, signal?: AbortSignal): Promise<Buffer | undefined | 'busy'> {
    if (this.inFlight >= this.maxConcurrent) return 'busy';
    this.inFlight++;
    try {
      return await this.tryEach(query, transport, signal);
    } finally {
      this.inFlight--;
    }
  }

  private async tryEach(query: Buffer, transport: Transport, signal?: AbortSignal): Promise<Buffer | undefined> {
    const clientId = query.readUInt16BE(0);
    // CoreDNS picks upstreams at random; starting anywhere and going round spreads load the same way.
    const start = this.upstreams.length ? randomInt(this.upstreams.length) : 0;
    for (let i = 0; i < this.upstreams.length && !signal?.aborted; i++) {
      const up = this.upstreams[(start + i) % this.upstreams.length];
      const id = randomInt(0x10000);
      const out = Buffer.from(query);
      out.writeUInt16BE(id, 0);
      try {
        const answer = transport === 'udp' ? await this.udp(up, out, id, signal) : await this.tcp(up, out, id, signal);
        if (answer) {
          answer.writeUInt16BE(clientId, 0);
          return answer;
        }
      } catch {
        // This upstream failed (refused, reset, unreachable): the next one may not.
      }
    }
    return undefined;
  }

  /**
   * One try at one upstream: `start` sends and calls `finish` with the answer (or an error);
   * the timeout and the signal finish it with nothing. `start` returns its cleanup, run once.
   */
  private attempt(signal: AbortSignal | undefined,
    start: (finish: (v: Buffer | undefined, err?: Error) => void) => () => void): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      let cleanup = () => {};
      let finished = false;
      const finish = (v: Buffer | undefined, err?: Error) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        cleanup();
        if (err) reject(err);
        else resolve(v);
      };
      const onAbort = () => finish(undefined);
      const timer = setTimeout(onAbort, this.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      cleanup = start(finish);
      if (finished) cleanup();
    });
  }

  private udp(up: Upstream, msg: Buffer, id: number, signal?: AbortSignal): Promise<Buffer | undefined> {
    return this.attempt(signal, (finish) => {
      const socket = createSocket(isIP(up.host.split('%')[0]) === 6 ? 'udp6' : 'udp4');
      socket.on('error', (e) => finish(undefined, e));
      socket.on('message', (buf, rinfo) => {
        // Only the upstream asked, only a response, only to this ID: anything else is noise.
        if (rinfo.port !== up.port || buf.length < 12 || buf.readUInt16BE(0) !== id || !(buf.readUInt16BE(2) & 0x8000)) return;
        finish(buf);
      });
      socket.connect(up.port, up.host, () => socket.send(msg));
      return () => socket.close();
    });
  }

  private tcp(up: Upstream, msg: Buffer, id: number, signal?: AbortSignal): Promise<Buffer | undefined> {
    return this.attempt(signal, (finish) => {
      const sock = connect({ host: up.host, port: up.port });
      let buf = Buffer.alloc(0);
      sock.on('error', (e) => finish(undefined, e));
      sock.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(msg.length);
        sock.write(Buffer.concat([len, msg]));
      });
      sock.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
        const answer = buf.subarray(2, 2 + buf.readUInt16BE(0));
        finish(answer.length >= 12 && answer.readUInt16BE(0) === id ? Buffer.from(answer) : undefined);
      });
      sock.on('end', () => finish(undefined));
      return () => sock.destroy();
    });
  }
}
