// One sync of one StatefulSet against its pods (upstream updateStatefulSet; semantics C3-C14,
// D9-D15).
//
// Contract: given the set, its current and update revisions and the pods it owns, make at most
// the changes one upstream sync makes, and return the status to record (also when a step
// failed: the error is returned next to it, D22).
//   Pass 1, replicas in ascending ordinal: delete Failed/Succeeded pods, create missing ones
//   (claims first), give Pending pods their missing claims, and repair identity, storage and
//   retention refs. OrderedReady stops at the first creation or at any pod not Running, Ready
//   and available (or terminating); Parallel handles every replica in slow-start batches.
//   Pass 2: retention refs of condemned pods. Pass 3: condemned pods, highest ordinal first;
//   OrderedReady deletes one, waits for it to be gone, and deletes an unhealthy one only if it is
//   the first unhealthy pod. Then, for RollingUpdate only: from the highest ordinal down to
//   the partition, delete the first pod not at the update revision, or wait for an unavailable one.
// A set being deleted only gets its status recomputed (C3).
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import { isNotFound } from '../../core/index.js';
import {
  endOrdinal, inOrdinalRange, newStatefulSetPod, ordinalOf, podRevision, startOrdinal, type PodObject, type SetObject,
} from './identity.js';
import {
  isAvailable, isCreated, isFailed, isPending, isRunningAndReady, isSucceeded, isTerminating, isUnavailable,
} from './pod-state.js';
import { aggregate, type PodControl } from './pod-control.js';
import { applyRevision, type RevisionObject } from './revision.js';
import { countReplicas } from './status.js';
import type { Verdicts } from './verdicts.js';

export const MAX_BATCH = 500;

export interface SyncOutcome {
  readonly status: StatefulSetStatus;
  readonly error?: Error;
  /** A pod was not created because a claim still belongs to its predecessor (B20). */
  readonly waitsForStaleClaim?: boolean;
}

/**
 * One step of a pass: true asks a monotonic pass to stop. A step with nothing to do answers
 * synchronously, so a sync over a thousand settled pods allocates no promise per pod.
 */
type Step = (i: number) => boolean | Promise<boolean>;

/**
 * Upstream slowStartBatch: batches of 1, 2, 4, … (at most MAX_BATCH) over every index, each
 * batch's steps in parallel; a batch with a failure ends the run. A batch whose steps all
 * answered synchronously is not waited for.
 */
export async function slowStartBatch(count: number, fn: (i: number) => unknown, initial = 1): Promise<Error | undefined> {
  let next = 0;
  for (let size = Math.min(count, initial); size > 0; size = Math.min(2 * size, count - next, MAX_BATCH)) {
    const pending: Promise<unknown>[] = [];
    const errors: Error[] = [];
    for (let k = 0; k < size; k++) {
      try {
        const r = fn(next + k);
        if (r instanceof Promise) pending.push(r);
      } catch (e) {
        errors.push(asError(e));
      }
    }
    next += size;
    if (pending.length) {
      for (const r of await Promise.allSettled(pending)) if (r.status === 'rejected') errors.push(asError(r.reason));
    }
    if (errors.length) return aggregate(errors);
  }
  return undefined;
}

/** Monotonic: one at a time, stop at the first step that asks to. Burst: slow-start batches. */
async function runForAll(count: number, step: Step, monotonic: boolean): Promise<{ stop: boolean; error?: Error }> {
  if (monotonic) {
    for (let i = 0; i < count; i++) {
      try {
        const r = step(i);
        if (r instanceof Promise ? await r : r) return { stop: true };
      } catch (e) {
        return { stop: true, error: asError(e) };
      }
    }
    return { stop: false };
  }
  const error = await slowStartBatch(count, step);
  return { stop: !!error, error };
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** D12: below the partition a new pod gets the current revision; otherwise the update one. */
function newVersionedPod(currentSet: SetObject, updateSet: SetObject, current: string, update: string, ordinal: number): PodObject {
  const strategy = currentSet.spec?.updateStrategy;
  const start = startOrdinal(currentSet);
  const partition = strategy?.rollingUpdate?.partition ?? 0;
  const atCurrent = (strategy?.type === 'RollingUpdate' && !strategy.rollingUpdate
      && ordinal < start + (currentSet.status?.currentReplicas ?? 0))
    || (!!strategy?.rollingUpdate && ordinal < start + partition);
  return atCurrent ? newStatefulSetPod(currentSet, ordinal, current) : newStatefulSetPod(updateSet, ordinal, update);
}

export async function syncStatefulSet(control: PodControl, verdicts: Verdicts, set: SetObject, currentRev: RevisionObject, updateRev: RevisionObject,
  collisionCount: number, pods: readonly PodObject[], now: number): Promise<SyncOutcome> {
  const currentSet = applyRevision(set, currentRev);
  const updateSet = applyRevision(set, updateRev);
  const currentName = currentRev.metadata?.name ?? '';
  const updateName = updateRev.metadata?.name ?? '';
  const minReady = set.spec?.minReadySeconds ?? 0;
  const base = { observedGeneration: set.metadata?.generation, currentRevision: currentName, updateRevision: updateName, collisionCount };

  const start = startOrdinal(set);
  const replicas: PodObject[] = new Array(Math.max(0, endOrdinal(set) - start + 1));
  const condemned: PodObject[] = [];
  for (const pod of pods) {
    if (inOrdinalRange(set, pod)) replicas[ordinalOf(pod) - start] = pod;
    else if (ordinalOf(pod) >= 0) condemned.push(pod);
  }
  const status = (): StatefulSetStatus =>
    ({ ...base, ...countReplicas([...replicas, ...condemned], minReady, now, currentName, updateName) });
  if (set.metadata?.deletionTimestamp) return { status: { ...base, ...countReplicas(pods, minReady, now, currentName, updateName) } };

  for (let i = 0; i < replicas.length; i++) {
    replicas[i] ??= newVersionedPod(currentSet, updateSet, currentName, updateName, start + i);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const unavailable = (p: PodObject) => isUnavailable(p, minReady, now);
  const firstUnhealthy = replicas.find(unavailable) ?? [...condemned].reverse().find(unavailable);
  const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
  const judge = verdicts.forSync(set, updateSet);
  let waitsForStaleClaim = false;

  /** The checks after creation and claims: wait (monotonic), or repair identity, storage and retention refs. */
  const settle = (pod: PodObject): boolean | Promise<boolean> => {
    if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isAvailable(pod, minReady, now))) return true;
    if (judge(pod).consistent) return false;
    return control.updatePod(updateSet, pod).then(() => false);
  };
  const processReplica: Step = (i) => {
    const pod = replicas[i];
    if (isFailed(pod) || isSucceeded(pod)) {
      // Recreated by a later sync, once the object is gone.
      return isTerminating(pod) ? true : control.deletePod(set, pod).then(() => true);
    }
    if (!isCreated(pod)) {
      if (control.podClaimIsStale(set, pod)) { waitsForStaleClaim = true; return true; }
      return control.createPod(set, pod).then((created) => {
        replicas[i] = created;
        return monotonic ? true : settle(created);
      });
    }
    if (isPending(pod) && !judge(pod).claimsComplete) return control.createMissingClaims(set, pod).then(() => settle(pod));
    return settle(pod);
  };
  const pass1 = await runForAll(replicas.length, processReplica, monotonic);
  if (pass1.stop) return { status: status(), error: pass1.error, waitsForStaleClaim };

  const fixClaims: Step = (i) => (control.claimsMatchRetention(updateSet, condemned[i])
    ? false : control.updateClaimsForRetention(updateSet, condemned[i]).then(() => false));
  const pass2 = await runForAll(condemned.length, fixClaims, monotonic);
  if (pass2.stop) return { status: status(), error: pass2.error };

  const processCondemned: Step = (i) => {
    const pod = condemned[i];
    if (isTerminating(pod)) return monotonic;
    if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isAvailable(pod, minReady, now))) return true;
    return control.deletePod(set, pod).then(() => true);
  };
  const pass3 = await runForAll(condemned.length, processCondemned, monotonic);
  if (pass3.stop) return { status: status(), error: pass3.error };

  const result = status();
  if (set.spec?.updateStrategy?.type === 'OnDelete') return { status: result };
  // maxUnavailable is behind a feature gate that is off in 1.33: one pod at a time.
  const updateMin = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  for (let target = replicas.length - 1; target >= updateMin; target--) {
    const pod = replicas[target];
    if (podRevision(pod) !== updateName && !isTerminating(pod)) {
      try {
        await control.deletePod(set, pod);
      } catch (e) {
        if (!isNotFound(e)) return { status: result, error: asError(e) };
      }
      result.currentReplicas = (result.currentReplicas ?? 0) - 1;
      return { status: result };
    }
    if (unavailable(pod)) return { status: result };
  }
  return { status: result };
}
