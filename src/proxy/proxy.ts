// Contract: serviceProxy(opts).run(client, signal) is kube-proxy's nftables mode for one node.
// It watches Services and EndpointSlices (discovery.k8s.io/v1) through informers, and once both
// caches have synced (an unsynced cache would program "no services" and reject everything) it
// writes the whole table with one `nft -f -` transaction, after a short debounce so a burst of
// changes costs one write. A text identical to the last one applied is not written again. A
// periodic check rewrites the table if someone removed it, and retries host setup while the
// bridge does not exist yet. On abort the table, the route and the sysctls are removed.
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { ApiClient } from '../client/index.js';
import { EndpointSlices, Services, type KubeObject } from '../core/index.js';
import { consoleLogger, InformerSet, realClock, sleep, type Logger } from '../controller-runtime/index.js';
import { HostNetwork, nftApply, nftDeleteTable, nftTableExists } from './host.js';
import { renderRuleset, type RenderOptions } from './render.js';

export interface ProxyOptions {
  /** nftables table (family ip); one per proxy instance. Default `berth`. */
  readonly table?: string;
  /** The cluster's service CIDR (e.g. 10.96.0.0/12): routed onto the bridge, unallocated addresses dropped. */
  readonly serviceCIDR?: string;
  /** The node's pod CIDR. */
  readonly podCIDR?: string;
  /** The pods' Linux bridge; omitted = no route and no sysctls (nftables only). */
  readonly bridge?: string;
  readonly nodeName?: string;
  /** Addresses NodePorts answer on; omitted = every local address. */
  readonly nodeAddresses?: readonly string[];
  readonly logger?: Logger;
  /** Quiet time before a sync; default 100 ms. */
  readonly debounceMs?: number;
  /** How often the table's presence and the host setup are checked; default 30 s. */
  readonly resyncMs?: number;
  /** Told each ruleset after it was applied (tests wait on it). */
  readonly onSync?: (ruleset: string) => void;
}

/** The shape of src/cluster's Component, so `berth up` can run the proxy beside the others. */
export interface ServiceProxy {
  readonly name: string;
  run(client: ApiClient, signal: AbortSignal, cluster?: unknown): Promise<void>;
}

const BRIDGE_RETRY_MS = 1000;
const ERROR_RETRY_MS = 2000;

export function serviceProxy(opts: ProxyOptions = {}): ServiceProxy {
  const table = opts.table ?? 'berth';
  const logger = opts.logger ?? consoleLogger;
  const debounceMs = opts.debounceMs ?? 100;
  const resyncMs = opts.resyncMs ?? 30_000;
  const render: RenderOptions = {
    table, serviceCIDR: opts.serviceCIDR, podCIDR: opts.podCIDR, nodeName: opts.nodeName, nodeAddresses: opts.nodeAddresses,
  };
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(table)) throw new Error(`invalid nftables table name "${table}"`);

  return {
    name: 'service-proxy',
    async run(client, signal) {
      const informers = new InformerSet(client, { logger });
      const services = informers.informerFor<Service & KubeObject>(Services);
      const slices = informers.informerFor<EndpointSlice & KubeObject>(EndpointSlices);
      const host = new HostNetwork(opts.bridge, opts.serviceCIDR);

      let dirty = true;
      let wake: (() => void) | undefined;
      const schedule = () => { dirty = true; wake?.(); };
      services.onChange(schedule);
      slices.onChange(schedule);
      informers.start(signal);

      let applied: string | undefined;
      let hostReady = false;
      try {
        if (!(await informers.waitForSync(signal))) return;
        logger.info('service proxy: caches synced, programming nftables', { table });
        while (!signal.aborted) {
          if (!dirty) {
            const timeout = hostReady ? resyncMs : BRIDGE_RETRY_MS;
            const woken = await new Promise<boolean>((resolve) => {
              const done = (v: boolean) => { clearTimeout(timer); signal.removeEventListener('abort', onAbort); wake = undefined; resolve(v); };
              const onAbort = () => done(false);
              const timer = setTimeout(() => done(false), timeout);
              wake = () => done(true);
              signal.addEventListener('abort', onAbort, { once: true });
            });
            if (signal.aborted) break;
            // Periodic check: someone may have flushed the ruleset (`nft flush ruleset`).
            if (!woken && applied !== undefined && !(await nftTableExists(table))) applied = undefined;
          }
          if (dirty && !(await sleep(realClock, debounceMs, signal))) break;
          dirty = false;
          try {
            hostReady = await host.ensure();
            const text = renderRuleset(services.lister.list(), slices.lister.list(), render);
            if (text !== applied) {
              await nftApply(text);
              applied = text;
              logger.debug?.('service proxy: rules applied', { table, bytes: text.length });
              opts.onSync?.(text);
            }
          } catch (error) {
            logger.error('service proxy: sync failed, retrying', { table, error });
            applied = undefined;
            if (!(await sleep(realClock, ERROR_RETRY_MS, signal))) break;
            dirty = true;
          }
        }
      } finally {
        await informers.stopped();
        await nftDeleteTable(table).catch((error) => logger.error('service proxy: removing the table failed', { table, error }));
        await host.restore().catch((error) => logger.error('service proxy: restoring host network failed', { error }));
      }
    },
  };
}
