// The node agent's eviction manager, local storage part (upstream pkg/kubelet/eviction
// managerImpl.synchronize → localStorageEviction, with localStorageCapacityIsolation on as its
// default): every monitoring period (upstream's evictionMonitoringPeriod, 10 s) it measures the
// active pods that declare a limit and evicts each one that breaks it:
// - a Warning event `Evicted` with upstream's message on the pod;
// - a kill request to the pod worker (pods/kill.ts) with grace period 1 s (upstream's
//   immediateEvictionGracePeriodSeconds: 0 would mean "the pod's own"), ending the pod Failed
//   with reason Evicted and the message. Upstream passes no DisruptionTarget condition for
//   these evictions (only node-pressure ones get one), so none is added here either.
// After evicting it waits for those pods to be stopped (at most 30 s, upstream's
// podCleanupTimeout) and looks again at once; otherwise it sleeps one period.
//
// Measurement: disk emptyDirs and configMap volumes where the volume manager put them (du-style,
// see ../disk-usage.ts), the containers' writable layers and logs and the pod's /etc/hosts from
// the runtime (Runtime.podDiskUsage). Only pods that declare a limit are measured.
import { sleep, type Clock, type Logger } from '../../controller-runtime/index.js';
import { diskUsage } from '../disk-usage.js';
import type { EventRecorder } from '../events.js';
import type { PodObject } from '../pods/context.js';
import type { PodKills } from '../pods/kill.js';
import type { PodDiskUsage } from '../runtime/index.js';
import {
  EVICTED_REASON, hasLocalStorageLimits, isCriticalPod, isDiskEmptyDir, localStorageEviction, podStorageUsage, type LocalStorageEviction,
} from './limits.js';

export const DEFAULT_EVICTION_MONITORING_PERIOD_MS = 10_000;
/** Upstream immediateEvictionGracePeriodSeconds. */
export const IMMEDIATE_EVICTION_GRACE_PERIOD_SECONDS = 1;
const POD_CLEANUP_TIMEOUT_MS = 30_000;

export interface EvictionManagerOptions {
  /** The runtime's measurement of containers and pod files. */
  readonly podDiskUsage: (podUid: string) => Promise<PodDiskUsage>;
  /** The pods bound to this node as the agent's informer has them. */
  readonly pods: () => readonly PodObject[];
  /** Host directory per volume name of a set-up pod (trackVolumeDirs). */
  readonly volumeDirs: (podUid: string) => ReadonlyMap<string, string> | undefined;
  readonly kills: PodKills;
  readonly events: EventRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Default 10 000 ms. */
  readonly monitoringPeriodMs?: number;
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

export class EvictionManager {
  constructor(private readonly opts: EvictionManagerOptions) {}

  /** Pods that may be evicted: not terminal, not being deleted, not already being killed. */
  private activePods(): PodObject[] {
    return this.opts.pods().filter((p) => p.metadata?.uid && !p.metadata.deletionTimestamp
      && !TERMINAL.has(p.status?.phase ?? '') && !this.opts.kills.get(p.metadata.uid));
  }

  /** What breaks a limit of this pod now, if anything. */
  async check(pod: PodObject): Promise<LocalStorageEviction | undefined> {
    const uid = pod.metadata!.uid!;
    const dirs = this.opts.volumeDirs(uid);
    const volumes = new Map<string, number>();
    for (const v of pod.spec?.volumes ?? []) {
      const dir = dirs?.get(v.name);
      if (dir && (isDiskEmptyDir(v) || v.configMap)) volumes.set(v.name, await diskUsage(dir));
    }
    return localStorageEviction(pod, podStorageUsage(pod, volumes, await this.opts.podDiskUsage(uid)));
  }

  /** One pass over the active pods; returns the evictions under way (each resolves once the pod is stopped). */
  async synchronize(): Promise<Promise<void>[]> {
    const evicted: Promise<void>[] = [];
    for (const pod of this.activePods()) {
      if (!hasLocalStorageLimits(pod)) continue;
      let found: LocalStorageEviction | undefined;
      try {
        found = await this.check(pod);
      } catch (error) {
        this.opts.logger.error('eviction manager: could not measure the local storage of a pod', { pod: key(pod), error });
        continue;
      }
      if (found) {
        const stopping = this.evict(pod, found.message);
        if (stopping) evicted.push(stopping);
      }
    }
    return evicted;
  }

  private evict(pod: PodObject, message: string): Promise<void> | undefined {
    if (isCriticalPod(pod)) {
      this.opts.logger.error('eviction manager: cannot evict a critical pod', { pod: key(pod) });
      return undefined;
    }
    this.opts.events.event(pod, 'Warning', EVICTED_REASON, message);
    this.opts.logger.info('eviction manager: evicting pod', { pod: key(pod), podUID: pod.metadata?.uid, message });
    return this.opts.kills.request(pod, { gracePeriodSeconds: IMMEDIATE_EVICTION_GRACE_PERIOD_SECONDS, reason: EVICTED_REASON, message });
  }

  /** The monitoring loop, until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, logger } = this.opts;
    const period = this.opts.monitoringPeriodMs ?? DEFAULT_EVICTION_MONITORING_PERIOD_MS;
    while (!signal.aborted) {
      let evicted: Promise<void>[] = [];
      try {
        evicted = await this.synchronize();
      } catch (error) {
        logger.error('eviction manager: failed to synchronize', { error });
      }
      if (evicted.length) {
        const waited = new AbortController();
        const cleaned = await Promise.race([
          Promise.all(evicted).then(() => true),
          sleep(clock, POD_CLEANUP_TIMEOUT_MS, AbortSignal.any([signal, waited.signal])).then(() => false),
        ]);
        waited.abort();
        if (!cleaned && !signal.aborted) logger.info('eviction manager: timed out waiting for pods to be cleaned up');
      } else if (!(await sleep(clock, period, signal))) {
        return;
      }
    }
  }
}

const key = (p: PodObject) => `${p.metadata?.namespace}/${p.metadata?.name}`;
