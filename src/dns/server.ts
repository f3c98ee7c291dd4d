// The DNS server: UDP and TCP (RFC 7766: 2-byte length prefix, pipelined queries answered as
// they complete, idle connections closed) on one address and port, answering from DnsState and
// forwarding the rest. A packet that cannot be read never takes the server down: it is
// dropped or answered FORMERR (packet.ts).
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import dnsPacket, { type Answer } from 'dns-packet';
import { Counter, type Registry } from 'prom-client';
import { silentLogger, type Logger } from '../controller-runtime/index.js';
import type { Forwarder, Transport } from './forward.js';
import { canonical, trimZone } from './names.js';
import { badVersion, encodeWithin, parseQuery, replyPacket, udpLimit, type Query } from './packet.js';
import { resolve, type Rcode, type Reply, type ResolverConfig } from './resolve.js';
import type { DnsState } from './state.js';

/** How deep an ExternalName CNAME chain is followed before answering with what we have. */
const MAX_CHASE = 8;
/** CoreDNS's TCP idle timeout. */
const TCP_IDLE_MS = 10_000;
const MAX_TCP_MESSAGE = 0xffff;

export interface DnsServerOptions {
  readonly host: string;
  /** 0 = an ephemeral port, the same one for UDP and TCP. */
  readonly port: number;
  readonly state: DnsState;
  readonly config: ResolverConfig;
  /** Where names outside the zone go; none = REFUSED (and NXDOMAIN for unknown reverse names). */
  readonly forwarder?: Forwarder;
  /** Shuffle address answers, as the `loadbalance` plugin in kubeadm's Corefile does. Default true. */
  readonly shuffle?: boolean;
  readonly logger?: Logger;
  /** Where to count requests and responses (CoreDNS's metric names). */
  readonly metrics?: Registry;
}

export interface RunningDnsServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

interface Metrics {
  request(transport: Transport, type: string): void;
  response(rcode: number, plugin: string): void;
}

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

function counters(registry: Registry | undefined, server: string): Metrics {
  if (!registry) return { request() {}, response() {} };
  // One registry may see several DNS servers (and restarts): reuse a registered counter.
  const get = (name: string, help: string, labelNames: string[]) =>
    (registry.getSingleMetric(name) as Counter<string> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
  const requests = get('coredns_dns_requests_total', 'Counter of DNS requests made per zone, protocol and family.', ['server', 'zone', 'proto', 'family', 'type']);
  const responses = get('coredns_dns_responses_total', 'Counter of response status codes.', ['server', 'zone', 'rcode', 'plugin']);
  const family = isIP(server.replace(/^dns:\/\/\[?|\]?:\d+$/g, '')) === 6 ? '2' : '1';
  return {
    request: (proto, type) => requests.inc({ server, zone: '.', proto, family, type }),
    response: (rcode, plugin) => responses.inc({ server, zone: '.', rcode: RCODE_NAMES[rcode] ?? String(rcode), plugin }),
  };
}

function shuffled<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

export class DnsHandler {
  private readonly metrics: Metrics;

  constructor(private readonly opts: Omit<DnsServerOptions, 'host' | 'port'>, server = 'dns://') {
    this.metrics = counters(opts.metrics, server);
  }

  /** The bytes to send back for one message, or undefined to stay silent. Never throws. */
  async handle(buf: Buffer, transport: Transport, signal?: AbortSignal): Promise<Buffer | undefined> {
    try {
      const by = { plugin: '' };
      const out = await this.answer(buf, transport, by, signal);
      if (out && out.length >= 4) this.metrics.response(out.readUInt16BE(2) & 0xf, by.plugin);
      return out;
    } catch (error) {
      (this.opts.logger ?? silentLogger).error('dns: answering a query failed', { error });
      return undefined;
    }
  }

  /** `by.plugin` learns which part answered (CoreDNS's plugin label), for the metric only. */
  private async answer(buf: Buffer, transport: Transport, by: { plugin: string }, signal?: AbortSignal): Promise<Buffer | undefined> {
    const parsed = parseQuery(buf);
    if (parsed.kind === 'drop') return undefined;
    if (parsed.kind === 'error') return parsed.response;
    const q = parsed.query;
    this.metrics.request(transport, q.question.type);
    const limit = transport === 'udp' ? udpLimit(q) : MAX_TCP_MESSAGE;
    if (q.edns && q.edns.version > 0) return badVersion(q);
    if (q.question.class !== 'IN' || q.question.type === 'AXFR' || q.question.type === 'IXFR') {
      // Only the Internet class is served, and zone transfers are not offered.
      return encodeWithin(replyPacket(q, plain('REFUSED')), limit);
    }

    const res = resolve(q.question, this.opts.state, this.opts.config);
    if (res.kind === 'forward') {
      const fwd = this.opts.forwarder;
      if (!fwd?.upstreams.length) return encodeWithin(replyPacket(q, res.fallback), limit);
      by.plugin = 'forward';
      const up = await fwd.exchange(buf, transport, signal);
      if (up === 'busy') return encodeWithin(replyPacket(q, plain('REFUSED')), limit);
      if (!up) return encodeWithin(replyPacket(q, plain('SERVFAIL')), limit);
      // An upstream that ignored the size we passed on must still not overflow the client.
      return up.length <= limit ? up : encodeWithin(dnsPacket.decode(up), limit);
    }
    by.plugin = 'kubernetes';
    let reply = res.reply;
    if (reply.chase) reply = await this.chase(q, reply, signal);
    const answers = this.opts.shuffle !== false && reply.answers.length > 1 && reply.answers.every((a) => a.type === 'A' || a.type === 'AAAA')
      ? shuffled([...reply.answers]) : reply.answers;
    return encodeWithin(replyPacket(q, { ...reply, answers }), limit);
  }

  /**
   * ExternalName: the CNAME, then the target's own records (CoreDNS's upstream lookup):
   * from the zone when the target is in it, otherwise from an upstream.
   */
  private async chase(q: Query, first: Reply, signal?: AbortSignal): Promise<Reply> {
    const answers: Answer[] = [...first.answers];
    let target = first.chase;
    const seen = new Set<string>();
    for (let depth = 0; target && depth < MAX_CHASE && !seen.has(target); depth++) {
      seen.add(target);
      const question = { name: target, type: q.question.type };
      if (trimZone(canonical(target), this.opts.config.zone) !== undefined) {
        const res = resolve(question, this.opts.state, this.opts.config);
        if (res.kind !== 'reply') break;
        answers.push(...res.reply.answers);
        target = res.reply.chase;
        continue;
      }
      const fwd = this.opts.forwarder;
      if (!fwd?.upstreams.length) break;
      const msg = dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [question as never] });
      const up = await fwd.exchange(msg, 'udp', signal);
      if (up && up !== 'busy') {
        try {
          answers.push(...(dnsPacket.decode(up).answers ?? []));
        } catch {
          // An unreadable upstream answer leaves the CNAME on its own, as a failed lookup does.
        }
      }
      break;
    }
    return { ...first, answers, chase: undefined };
  }
}

const plain = (rcode: Rcode): Reply => ({ rcode, authoritative: false, answers: [], authorities: [], additionals: [] });

/** Binds UDP and TCP on the same port (retrying when an ephemeral UDP port is taken for TCP). */
export async function startDnsServer(opts: DnsServerOptions): Promise<RunningDnsServer> {
  const family = isIP(opts.host) === 6 ? 'udp6' : 'udp4';
  for (let attempt = 0; ; attempt++) {
    const udp = createSocket({ type: family, reuseAddr: false });
    const port = await new Promise<number>((resolveBind, reject) => {
      udp.once('error', reject);
      udp.bind(opts.port, opts.host, () => { udp.off('error', reject); resolveBind(udp.address().port); });
    });
    const tcp = createServer();
    try {
      await new Promise<void>((resolveListen, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, opts.host, () => { tcp.off('error', reject); resolveListen(); });
      });
    } catch (e) {
      udp.close();
      if (opts.port === 0 && (e as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 10) continue;
      throw e;
    }
    return serve(opts, udp, tcp, port);
  }
}

function serve(opts: DnsServerOptions, udp: UdpSocket, tcp: Server, port: number): RunningDnsServer {
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const handler = new DnsHandler(opts, `dns://${hostPart}:${port}`);
  const logger = opts.logger ?? silentLogger;
  const abort = new AbortController();
  const conns = new Set<Socket>();

  udp.on('message', (msg, rinfo) => {
    void handler.handle(msg, 'udp', abort.signal).then((out) => {
      if (out && !abort.signal.aborted) udp.send(out, rinfo.port, rinfo.address, () => {});
    });
  });
  udp.on('error', (error) => logger.error('dns: UDP socket error', { error }));

  tcp.on('connection', (sock) => {
    conns.add(sock);
    sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
    sock.on('close', () => conns.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        void handler.handle(Buffer.from(msg), 'tcp', abort.signal).then((out) => {
          if (!out || sock.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length);
          sock.write(Buffer.concat([len, out]));
        });
      }
    });
  });

  return {
    host: opts.host, port,
    async close() {
      abort.abort();
      for (const s of conns) s.destroy();
      await Promise.all([
        new Promise<void>((r) => udp.close(() => r())),
        new Promise<void>((r) => tcp.close(() => r())),
      ]);
    },
  };
}
