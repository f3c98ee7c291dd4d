// clusterDns(): the cluster DNS server as a long-running part of `berth up` (CoreDNS with the
// kubernetes plugin, in-process). Services and EndpointSlices come from shared informers into
// DnsState; the server answers from it on UDP and TCP and forwards other names upstream.
import type { Registry } from 'prom-client';
import type { ApiClient } from '../client/index.js';
import { EndpointSlices, Services, type KubeObject } from '../core/index.js';
import { InformerSet, silentLogger, type Logger } from '../controller-runtime/index.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { Forwarder, parseUpstream, readResolvConf, type Upstream } from './forward.js';
import { canonical } from './names.js';
import { DEFAULT_TTL } from './resolve.js';
import { startDnsServer, type RunningDnsServer } from './server.js';
import { DnsState } from './state.js';

export const DEFAULT_ZONE = 'cluster.local';
export const DEFAULT_RESOLV_CONF = '/etc/resolv.conf';

export interface ClusterDnsOptions {
  /** Where to serve; port 0 picks a free one (see listening()). */
  readonly listen: { readonly host: string; readonly port: number };
  /** The cluster domain. Default cluster.local. */
  readonly zone?: string;
  /** Record TTL in seconds. Default 30 (kubeadm's Corefile); CoreDNS allows 0..3600. */
  readonly ttl?: number;
  /**
   * Upstream resolvers for names outside the zone (`1.1.1.1`, `10.0.0.2:5353`, `[fd00::1]:53`).
   * Omitted: the nameservers of `resolvConf`. false: no forwarding (REFUSED).
   */
  readonly upstreams?: readonly string[] | false;
  /** Where omitted upstreams are read from. Default /etc/resolv.conf. */
  readonly resolvConf?: string;
  /** Per-upstream timeout. Default 2000 ms. */
  readonly forwardTimeoutMs?: number;
  /** Addresses served for ns.dns.<zone> (the DNS Service's address, say). Default: the listen host unless a wildcard. */
  readonly nameservers?: readonly string[];
  readonly logger?: Logger;
}

/** Matches src/cluster's Component (run(client, signal, cluster)); cluster.metrics gets the counters. */
export interface ClusterDns {
  readonly name: string;
  run(client: ApiClient, signal: AbortSignal, cluster?: { readonly metrics?: Registry }): Promise<void>;
  /** Resolves with the bound address once the current run serves. */
  listening(): Promise<{ host: string; port: number }>;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

export function clusterDns(opts: ClusterDnsOptions): ClusterDns {
  const zone = canonical(opts.zone ?? DEFAULT_ZONE);
  const ttl = opts.ttl ?? DEFAULT_TTL;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600) throw new Error(`dns ttl must be a whole number of seconds from 0 to 3600, got ${ttl}`);
  if (!zone) throw new Error('dns zone must not be empty');
  // Fail on a bad upstream at configuration time, not on the first query.
  const configured = opts.upstreams === false ? [] : opts.upstreams?.map(parseUpstream);
  const logger = opts.logger ?? silentLogger;
  let bound = deferred<{ host: string; port: number }>();

  return {
    name: 'cluster-dns',
    listening: () => bound.promise,
    async run(client, signal, cluster) {
      const state = new DnsState();
      const upstreams = withoutSelf(configured ?? await fromResolvConf(opts.resolvConf ?? DEFAULT_RESOLV_CONF, logger), opts.listen);
      // Bind before watching anything: a caller that retries on EADDRNOTAVAIL (the address is
      // not up yet) must not leave informers behind on each failed try.
      let server: RunningDnsServer;
      try {
        server = await startDnsServer({
          host: opts.listen.host, port: opts.listen.port, state, logger, metrics: cluster?.metrics,
          config: { zone, ttl, nameservers: opts.nameservers ?? (WILDCARDS.has(opts.listen.host) ? [] : [opts.listen.host]) },
          forwarder: upstreams.length ? new Forwarder(upstreams, { timeoutMs: opts.forwardTimeoutMs }) : undefined,
        });
      } catch (e) {
        bound.reject(e);
        bound = deferred();
        throw e;
      }
      // Until the first list completes the server answers SERVFAIL for the zone (see resolve).
      const informers = new InformerSet(client, { logger });
      informers.informerFor<Service & KubeObject>(Services).onChange((c) => state.applyService(c));
      informers.informerFor<EndpointSlice & KubeObject>(EndpointSlices).onChange((c) => state.applyEndpointSlice(c));
      informers.start(signal);
      void informers.waitForSync(signal).then((ok) => { if (ok) state.markSynced(); });
      bound.resolve({ host: server.host, port: server.port });
      logger.info('cluster DNS serving', { address: `${server.host}:${server.port}`, zone, upstreams: upstreams.map((u) => `${u.host}:${u.port}`) });
      await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
      await server.close();
      await informers.stopped();
      bound = deferred();
    },
  };
}

async function fromResolvConf(path: string, logger: Logger): Promise<Upstream[]> {
  try {
    return await readResolvConf(path);
  } catch (error) {
    logger.error('dns: no upstream resolvers, names outside the cluster will be refused', { path, error });
    return [];
  }
}

/** Forwarding to ourselves would loop (CoreDNS's `loop` plugin stops on it). */
function withoutSelf(ups: readonly Upstream[], listen: { host: string; port: number }): Upstream[] {
  const loopback = (h: string) => h.startsWith('127.') || h === '::1';
  return ups.filter((u) => !(u.port === listen.port && (u.host === listen.host || (WILDCARDS.has(listen.host) && loopback(u.host)))));
}

function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  // A rejection nobody awaits (no one asked for the address) must not crash the process.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
