// Pod health as the StatefulSet controller judges it (semantics C1).
//
// Contract (pure): created = phase set; Running&Ready = phase Running and condition Ready=True;
// available = ready for longer than minReadySeconds (strictly, by the Ready condition's
// lastTransitionTime); terminating = deletionTimestamp set; unavailable = not (Running&Ready,
// not terminating and available). `now` is passed in so callers decide the clock.
import type { PodCondition } from 'kubernetes-types/core/v1.js';
import type { PodObject } from './identity.js';

function findReady(pod: PodObject): PodCondition | undefined {
  for (const c of pod.status?.conditions ?? []) if (c.type === 'Ready') return c;
  return undefined;
}

/**
 * The Ready condition per cached pod object (frozen, shared by the informers): a sync asks
 * several times for each pod of its set, and nearly every pod is the same object as last sync.
 */
const readyConditions = new WeakMap<PodObject, PodCondition | null>();

function readyCondition(pod: PodObject): PodCondition | undefined {
  if (!Object.isFrozen(pod)) return findReady(pod);
  let c = readyConditions.get(pod);
  if (c === undefined) readyConditions.set(pod, (c = findReady(pod) ?? null));
  return c ?? undefined;
}

export const isCreated = (pod: PodObject): boolean => !!pod.status?.phase;
export const isPending = (pod: PodObject): boolean => pod.status?.phase === 'Pending';
export const isFailed = (pod: PodObject): boolean => pod.status?.phase === 'Failed';
export const isSucceeded = (pod: PodObject): boolean => pod.status?.phase === 'Succeeded';
export const isTerminating = (pod: PodObject): boolean => !!pod.metadata?.deletionTimestamp;
export const isPodReady = (pod: PodObject): boolean => readyCondition(pod)?.status === 'True';

export const isRunningAndReady = (pod: PodObject): boolean => pod.status?.phase === 'Running' && isPodReady(pod);

/** Upstream's IsPodAvailable: Ready, and Ready since more than minReadySeconds. */
export function isAvailable(pod: PodObject, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const since = Date.parse(readyCondition(pod)?.lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 < now;
}

export const isHealthy = (pod: PodObject): boolean => isRunningAndReady(pod) && !isTerminating(pod);

export const isUnavailable = (pod: PodObject, minReadySeconds: number, now: number): boolean =>
  !isHealthy(pod) || !isAvailable(pod, minReadySeconds, now);

/** Milliseconds until a Ready pod turns available, or undefined if it is not waiting for that. */
export function msUntilAvailable(pod: PodObject, minReadySeconds: number, now: number): number | undefined {
  if (minReadySeconds === 0 || !isPodReady(pod) || isAvailable(pod, minReadySeconds, now)) return undefined;
  const since = Date.parse(readyCondition(pod)?.lastTransitionTime ?? '');
  return Number.isFinite(since) ? Math.max(0, since + minReadySeconds * 1000 - now) : undefined;
}
