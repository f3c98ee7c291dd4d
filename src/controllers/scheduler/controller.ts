// The scheduler as a controller (upstream kube-scheduler's scheduling queue + cycle, one pod at
// a time): pending pods (no nodeName, schedulerName default-scheduler, no scheduling gates,
// not being deleted) are decided against the cached cluster (schedule.ts) and bound in the
// background; decisions stay serial so two pods never take the same room.
//
// Parking and waking (upstream's unschedulable queue): a pod that fits nowhere gets a
// FailedScheduling event and PodScheduled=False, and is parked. It is looked at again when
// the cluster changes in a way that may help: a node added or changed (labels, taints,
// unschedulable, allocatable, conditions — not heartbeats), a pod leaving a node, a pod placed
// (for pods with pod affinity), or its claims/PVs/StorageClasses changing; and every 5 min
// regardless (upstream's flush). A pod waiting for its volumes to be provisioned is parked the
// same way, without an event, and re-checked every 30 s besides; PV and StorageClass changes do
// not wake it (its own claims do when they bind, as upstream's PreBind waits on its claims), so
// a thousand claims being provisioned cost a thousand wake-ups, not a million.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import {
  isConflict, isNotFound, Namespaces, Nodes, PersistentVolumeClaims, PersistentVolumes, Pods, StorageClasses, type KubeObject,
} from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import {
  consoleLogger, requestKey, type ControllerSpec, type Informer, type InformerSet, type Logger, type Reconciler,
} from '../../controller-runtime/index.js';
import { applyVolumePlan, bindPod, markUnschedulable } from './binder.js';
import { ClusterCache } from './cache.js';
import { schedulerEvents, SCHEDULER_NAME } from './events.js';
import { schedulePod, type ScheduleInputs } from './schedule.js';
import { podClaimNames, type VolumeListers } from './volume-binding.js';
import { wakeSource } from './wake.js';

type PodObject = Pod & KubeObject;

export const UNSCHEDULABLE_RETRY_MS = 5 * 60_000;
export const VOLUME_WAIT_RETRY_MS = 30_000;
/** Upstream's initial pod back-off (podInitialBackoffSeconds). */
const BIND_RETRY_MS = 1000;

export interface SchedulerOptions {
  readonly logger?: Logger;
  /** Tie-breaking between equally good nodes; default Math.random. */
  readonly random?: () => number;
}

interface Parked {
  readonly namespace: string;
  readonly claims: ReadonlySet<string>;
  readonly podAffinity: boolean;
  /** Decided, waiting for its claims to be bound (not unschedulable). */
  readonly waiting: boolean;
}

export function isPending(pod: Pod): boolean {
  const spec = pod.spec;
  return !spec?.nodeName && (spec?.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME && !pod.metadata?.deletionTimestamp
    && !['Succeeded', 'Failed'].includes(pod.status?.phase ?? '') && !(spec?.schedulingGates ?? []).length;
}

const keyOf = (o: KubeObject) => ({ namespace: o.metadata?.namespace || undefined, name: o.metadata?.name ?? '' });

const podFingerprint = (p: Pod) => JSON.stringify([p.metadata?.labels, p.metadata?.annotations, p.spec]);

/** What about a node can change where pods fit (not heartbeats). */
function nodeFingerprint(n: Node): string {
  return JSON.stringify([n.metadata?.labels, n.spec?.taints, n.spec?.unschedulable, n.status?.allocatable,
    (n.status?.conditions ?? []).map((c) => [c.type, c.status])]);
}

export function schedulerController(client: ApiClient, informers: InformerSet, opts: SchedulerOptions = {}): ControllerSpec {
  const logger = opts.logger ?? consoleLogger;
  const pods = informers.informerFor<PodObject>(Pods);
  const nodes = informers.informerFor<Node & KubeObject>(Nodes);
  const claims = informers.informerFor(PersistentVolumeClaims);
  const volumes = informers.informerFor(PersistentVolumes);
  const classes = informers.informerFor(StorageClasses);
  const namespaces = informers.informerFor(Namespaces);
  const cache = new ClusterCache();
  const wake = wakeSource();
  const parked = new Map<string, Parked>();
  const events = schedulerEvents(client, logger);

  const listers: VolumeListers = {
    claim: (ns, name) => claims.lister.get({ namespace: ns, name }) as never,
    volume: (name) => volumes.lister.get({ name }) as never,
    volumes: () => volumes.lister.list() as never,
    storageClass: (name) => classes.lister.get({ name }) as never,
  };
  const inputs: ScheduleInputs = { cache, volumes: listers, namespace: (n) => namespaces.lister.get({ name: n }) as never, random: opts.random };

  // Parked pods by the claims they use (namespace/name), so a claim event finds its pods directly.
  const byClaim = new Map<string, Set<string>>();
  const claimKeys = (p: Parked) => [...p.claims].map((c) => `${p.namespace}/${c}`);
  const park = (key: string, p: Parked) => {
    unpark(key);
    parked.set(key, p);
    for (const c of claimKeys(p)) {
      let keys = byClaim.get(c);
      if (!keys) byClaim.set(c, (keys = new Set()));
      keys.add(key);
    }
  };
  const unpark = (key: string) => {
    const p = parked.get(key);
    if (!p) return;
    parked.delete(key);
    for (const c of claimKeys(p)) {
      const keys = byClaim.get(c);
      keys?.delete(key);
      if (keys?.size === 0) byClaim.delete(c);
    }
  };
  const wakeKey = (key: string) => {
    const i = key.indexOf('/');
    wake.wake(key.slice(0, i), key.slice(i + 1));
  };
  const wakeParked = (which: (p: Parked) => boolean) => {
    for (const [key, p] of parked) if (which(p)) wakeKey(key);
  };
  pods.onChange(({ old, new: next }) => {
    // A parked pod is not retried for its own status writes (ours, mostly), only when the
    // user changed it: labels, tolerations, gates.
    if (old && next && parked.has(requestKey(keyOf(next))) && podFingerprint(old) !== podFingerprint(next)) {
      wake.wake(next.metadata!.namespace!, next.metadata!.name!);
    }
    const change = cache.onPodChange(old, next);
    if (change === 'freed') wakeParked(() => true);
    else if (change === 'placed') wakeParked((p) => p.podAffinity);
  });
  nodes.onChange(({ old, new: next }) => {
    if (next) cache.setNode(next);
    else if (old) cache.removeNode(old.metadata!.name!);
    if (next && (!old || nodeFingerprint(old) !== nodeFingerprint(next))) wakeParked(() => true);
  });
  claims.onChange(({ old, new: next }) => {
    const c = (next ?? old)!;
    for (const key of [...(byClaim.get(`${c.metadata?.namespace ?? ''}/${c.metadata?.name ?? ''}`) ?? [])]) wakeKey(key);
  });
  for (const inf of [volumes, classes] as Informer<KubeObject>[]) inf.onChange(() => wakeParked((p) => p.claims.size > 0 && !p.waiting));

  const bindInBackground = (pod: PodObject, node: string) => {
    const { namespace, name, uid } = pod.metadata!;
    bindPod(client, pod, node).then(
      () => events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${node}`),
      (error) => {
        cache.forget(uid!);
        // A pod that is gone comes back through its deletion event. Otherwise the pod is tried
        // again after a back-off, as upstream's scheduling queue does: an immediate retry of a
        // failure the informer cannot see yet would spin without ever letting it catch up.
        if (isNotFound(error)) return;
        if (!isConflict(error)) logger.error('scheduler: binding failed; retrying', { pod: `${namespace}/${name}`, node, error });
        setTimeout(() => wake.wake(namespace!, name!), BIND_RETRY_MS).unref();
      });
  };

  const reconciler: Reconciler = {
    async reconcile(req) {
      const key = requestKey(req);
      const pod = pods.lister.get(key);
      if (!pod || !isPending(pod)) { unpark(key); return {}; }
      if (cache.isAssumed(pod.metadata!.uid!)) return {};
      const decision = schedulePod(pod, inputs);
      if (decision.kind === 'bind') {
        unpark(key);
        cache.assume(pod, decision.node);
        bindInBackground(pod, decision.node);
        return {};
      }
      park(key, {
        namespace: pod.metadata?.namespace ?? '', claims: new Set(podClaimNames(pod).map((c) => c.name)),
        podAffinity: !!pod.spec?.affinity?.podAffinity, waiting: decision.kind === 'volumes',
      });
      if (decision.kind === 'volumes') {
        await applyVolumePlan(client, decision.plan, decision.node);
        return { requeueAfterMs: VOLUME_WAIT_RETRY_MS };
      }
      events.record(pod, 'Warning', 'FailedScheduling', decision.message);
      await markUnschedulable(client, pod, decision.message, new Date());
      return { requeueAfterMs: UNSCHEDULABLE_RETRY_MS };
    },
  };

  const none = () => [];
  return {
    name: 'scheduler',
    reconciler,
    watches: [
      { informer: pods as Informer<KubeObject>, toRequests: (p) => (isPending(p as Pod) && !parked.has(requestKey(keyOf(p))) ? [keyOf(p)] : []) },
      { informer: wake, toRequests: (o) => [keyOf(o)] },
      ...[nodes, claims, volumes, classes, namespaces].map((informer) => ({ informer: informer as Informer<KubeObject>, toRequests: none })),
    ],
    concurrency: 1,
  };
}
