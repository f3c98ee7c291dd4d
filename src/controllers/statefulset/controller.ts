// The StatefulSet controller: informers and indexes, what wakes a set up, and one reconcile
// (upstream StatefulSetController.sync + defaultStatefulSetControl.UpdateStatefulSet).
//
// Contract:
// - Watches StatefulSets and Pods (not claims or revisions, like upstream, B10). A pod wakes
//   its controlling set (by name and uid); an orphan pod wakes every set of its namespace whose
//   selector matches it, so the set may adopt it.
// - A reconcile reads caches only (pods by controller uid, orphans by namespace, claims,
//   revisions), corrected by this controller's own writes the caches have not shown yet. It
//   adopts orphan revisions and pods, picks the current and update revisions, runs one sync,
//   writes status if it changed (also after a failed step), truncates history, and then
//   throws the step's error (retried with back-off) or asks to run again when pods are about
//   to become available (minReadySeconds) or an unconfirmed write might hide a change.
import { performance } from 'node:perf_hooks';
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import {
  ControllerRevisions, labelSelectorAsSelector, PersistentVolumeClaims, Pods, StatefulSets, type Selector,
} from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import {
  consoleLogger, type ControllerSpec, type InformerSet, type Logger, type Reconciler, type Request, type Result,
} from '../../controller-runtime/index.js';
import { createEventRecorder } from './events.js';
import { Expectations } from './expectations.js';
import { History } from './history.js';
import type { ClaimObject, PodObject, SetObject } from './identity.js';
import { claimPods } from './ownership.js';
import { msUntilAvailable } from './pod-state.js';
import { PodControl } from './pod-control.js';
import type { RevisionObject } from './revision.js';
import { completeRollingUpdate, needsWrite, serialisable, writeStatus } from './status.js';
import { syncStatefulSet, type SyncOutcome } from './sync.js';
import { Verdicts } from './verdicts.js';

export const CONTROLLER_NAME = 'statefulset-controller';
const CONTROLLER_UID_INDEX = 'statefulset-controller/controller-uid';
const ORPHAN_INDEX = 'statefulset-controller/orphans-by-namespace';
const WORKERS = 5;
const STALE_CLAIM_RECHECK_MS = 1000;
/**
 * A sync reads every pod of its set, and every pod event asks for one; during a storm of pod
 * events a big set would be synced back to back and starve the rest of the process (API
 * server, scheduler, node agents share it). So after a sync that cost c ms the next one waits
 * until c ms have passed: at most half the time goes to one set. Cheap syncs never wait.
 */
const THROTTLE_ABOVE_MS = 2;
/** Syncs are timed by the wall clock (they await the API), so the wait is capped. */
const THROTTLE_MAX_MS = 100;

export interface StatefulSetControllerOptions {
  readonly logger?: Logger;
  readonly now?: () => number;
}

const controllerRefOf = (o: PodObject) => o.metadata?.ownerReferences?.find((r) => r.controller);

/** Our last status write per set uid: the cache may still show the object we wrote over. */
interface LastWrite { readonly fromVersion: string; readonly set: SetObject }

export function statefulSetController(client: ApiClient, informers: InformerSet, opts: StatefulSetControllerOptions = {}): ControllerSpec {
  const logger = opts.logger ?? consoleLogger;
  const now = opts.now ?? Date.now;
  const sets = informers.informerFor<SetObject>(StatefulSets);
  const pods = informers.informerFor<PodObject>(Pods);
  const claims = informers.informerFor<ClaimObject>(PersistentVolumeClaims);
  const revisions = informers.informerFor<RevisionObject>(ControllerRevisions);
  pods.addIndex(CONTROLLER_UID_INDEX, (p) => { const r = controllerRefOf(p); return r ? [r.uid] : []; });
  pods.addIndex(ORPHAN_INDEX, (p) => (controllerRefOf(p) ? [] : [p.metadata?.namespace ?? '']));

  const podExp = new Expectations<PodObject>(30_000, now);
  const claimExp = new Expectations<ClaimObject>(30_000, now);
  pods.onChange((c) => podExp.observe(c));
  claims.onChange((c) => claimExp.observe(c));
  const lastWrites = new Map<string, LastWrite>();
  const lastSync = new Map<string, { end: number; cost: number }>();
  sets.onChange((c) => {
    if (c.new || !c.old) return;
    lastWrites.delete(c.old.metadata?.uid ?? '');
    lastSync.delete(c.old.metadata?.uid ?? '');
  });

  const recorder = createEventRecorder(client, CONTROLLER_NAME, logger, now);
  const control = new PodControl(client, claims.lister, podExp, claimExp, recorder);
  const history = new History(client, revisions.lister);
  const verdicts = new Verdicts(control.claimByKey);
  const selectors = new WeakMap<SetObject, Selector | null>();
  const selectorOf = (set: SetObject): Selector | null => {
    let s = selectors.get(set);
    if (s === undefined) {
      try { s = labelSelectorAsSelector(set.spec?.selector); } catch { s = null; }
      selectors.set(set, s);
    }
    return s;
  };

  /** The cached set, or what we wrote over it when the cache has not caught up with our status write. */
  const currentSet = (cached: SetObject): SetObject => {
    const last = lastWrites.get(cached.metadata?.uid ?? '');
    return last && last.fromVersion === cached.metadata?.resourceVersion ? last.set : cached;
  };

  const reconciler: Reconciler = {
    async reconcile(req) {
      const cached = sets.lister.get({ namespace: req.namespace, name: req.name });
      if (!cached) return {};
      const set = currentSet(cached);
      const selector = selectorOf(cached);
      // A selector that does not parse cannot become valid by retrying.
      if (!selector) return {};
      const uid = set.metadata?.uid ?? '';
      const ns = set.metadata?.namespace ?? '';
      const last = lastSync.get(uid);
      const wait = last && last.cost > THROTTLE_ABOVE_MS ? last.end + Math.min(last.cost, THROTTLE_MAX_MS) - performance.now() : 0;
      if (wait > 0) return { requeueAfterMs: Math.ceil(wait) };
      const began = performance.now();
      try {
        return await sync(set, selector, uid, ns);
      } finally {
        const end = performance.now();
        lastSync.set(uid, { end, cost: end - began });
      }
    },
  };

  async function sync(set: SetObject, selector: Selector, uid: string, ns: string): Promise<Result> {
    const revs = history.list(set, selector);
    await history.adoptOrphans(set, revs);
    const candidates = [...pods.lister.byIndex(CONTROLLER_UID_INDEX, uid), ...pods.lister.byIndex(ORPHAN_INDEX, ns)];
    const claimed = await claimPods(client, set, selector, candidates);
    const { objects: owned, pending } = podExp.overlay(claimed, (p) => controllerRefOf(p)?.uid === uid);

    const { current, update, collisionCount } = await history.revisions(set, revs);
    const t = now();
    const outcome = await syncStatefulSet(control, verdicts, set, current, update, collisionCount, owned, t);
    let error = outcome.error;
    try {
      await recordStatus(set, outcome.status);
    } catch (e) {
      error ??= e as Error;
    }
    await history.truncate(set, owned, revs, [current, update]);
    if (error) throw error;
    return { requeueAfterMs: requeueAfter(set, owned, outcome, pending, t) };
  }

  async function recordStatus(set: SetObject, status: StatefulSetStatus): Promise<void> {
    completeRollingUpdate(set, status);
    if (!needsWrite(set, status)) return;
    const stored = await writeStatus(client, set, status);
    if (stored.metadata?.uid !== set.metadata?.uid) return;
    const fromVersion = sets.lister.get({ namespace: set.metadata?.namespace, name: set.metadata?.name ?? '' })?.metadata?.resourceVersion;
    if (fromVersion) lastWrites.set(set.metadata?.uid ?? '', { fromVersion, set: { ...stored, status: serialisable(status) } });
  }

  function requeueAfter(set: SetObject, owned: readonly PodObject[], outcome: SyncOutcome, pending: boolean, t: number): number | undefined {
    const status = outcome.status;
    let after: number | undefined;
    const minReady = set.spec?.minReadySeconds ?? 0;
    // D23: look again when the next Ready pod has been ready for minReadySeconds.
    if (minReady > 0 && status.availableReplicas !== (set.spec?.replicas ?? 1)) {
      const waits = owned.map((p) => msUntilAvailable(p, minReady, t)).filter((w): w is number => w !== undefined);
      after = waits.length ? Math.min(...waits) + 1000 : minReady * 1000;
    }
    // Our own unconfirmed writes stood in for the cache; look again once they expire.
    if (pending) after = Math.min(after ?? Infinity, podExp.ttlMs + 1000);
    // Claims wake no set up (B10); without this a set waiting for the collector to remove a
    // stale claim would wait for an unrelated event. Upstream waits for its periodic resync.
    if (outcome.waitsForStaleClaim) after = Math.min(after ?? Infinity, STALE_CLAIM_RECHECK_MS);
    return after;
  }

  const podToRequests = (pod: PodObject): Request[] => {
    const ns = pod.metadata?.namespace ?? '';
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.kind !== 'StatefulSet' || !ref.apiVersion.startsWith('apps/')) return [];
      const set = sets.lister.get({ namespace: ns, name: ref.name });
      return set && set.metadata?.uid === ref.uid ? [{ namespace: ns, name: ref.name }] : [];
    }
    return sets.lister.list({ namespace: ns })
      .filter((s) => selectorOf(s)?.matches(pod.metadata?.labels))
      .map((s) => ({ namespace: ns, name: s.metadata?.name ?? '' }));
  };

  return {
    name: 'statefulset',
    reconciler,
    concurrency: WORKERS,
    watches: [
      { informer: sets, toRequests: (s) => [{ namespace: s.metadata?.namespace || undefined, name: s.metadata?.name ?? '' }] },
      { informer: pods, toRequests: (p) => podToRequests(p as PodObject) },
    ],
  };
}
