// What a pod sync needs from the agent: the API, the runtime, the node, and the agent's own
// per-pod memory (backoff, probe results). One PodSyncContext per agent; shared by all pod workers.
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { Pods, type KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { Clock, Logger } from '../../controller-runtime/index.js';
import type { EventRecorder } from '../events.js';
import type { ProbeManager } from '../probes/index.js';
import type { Runtime } from '../runtime/index.js';
import type { Backoff } from './backoff.js';
import type { PodKills } from './kill.js';
import type { DnsSettings } from './pod-config.js';

/**
 * Volumes of a pod on this node (the volume manager; volumes/ plugins behind it). setUp is
 * idempotent and returns, per volume name, the host directory to bind-mount; tearDown of a
 * pod with nothing set up succeeds. Absent: pods get no mounts (enough for the sim runtime).
 */
export interface PodVolumes {
  setUp(pod: Pod, signal: AbortSignal): Promise<ReadonlyMap<string, string>>;
  tearDown(podUid: string): Promise<void>;
}

export interface PodSyncContext {
  readonly client: ApiClient;
  readonly runtime: Runtime;
  readonly nodeName: string;
  /** The node's IPs (InternalIP first): hostIP(s) of every pod, podIP(s) of host-network pods. */
  readonly hostIPs: readonly string[];
  readonly events: EventRecorder;
  readonly backoff: Backoff;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly volumes?: PodVolumes;
  /** Cluster DNS servers and domain (kubelet --cluster-dns / --cluster-domain). */
  readonly dns: DnsSettings;
  /** Real probes (runtimes with execSync); absent: probes are simulated (pods/probes.ts). */
  readonly probes?: ProbeManager;
  /** Pods the agent decided to stop for good (evictions); absent: none. */
  readonly kills?: PodKills;
  readonly signal: AbortSignal;
}

export type PodObject = Pod & KubeObject;

/** JSON with nulls, undefined and empty objects dropped: how two statuses compare on the wire. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const c = canonical((v as Record<string, unknown>)[k]);
      if (c === null || c === undefined) continue;
      if (typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0) continue;
      out[k] = c;
    }
    return out;
  }
  return v;
}

export function sameStatus(a: PodStatus | undefined, b: PodStatus): boolean {
  return JSON.stringify(canonical(a ?? {})) === JSON.stringify(canonical(b));
}

/**
 * Writes the status if it changed, with the cached pod's resourceVersion: a pod recreated
 * under the same name, or changed meanwhile, makes this a Conflict and the sync is retried
 * against fresh state.
 */
export async function writeStatus(ctx: PodSyncContext, pod: PodObject, status: PodStatus): Promise<PodObject> {
  if (sameStatus(pod.status, status)) return pod;
  return ctx.client.updateStatus<PodObject>(Pods, { ...pod, status });
}

export const fieldPathOf = (name: string, init: boolean) => `spec.${init ? 'initContainers' : 'containers'}{${name}}`;
