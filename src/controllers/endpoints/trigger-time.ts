// TriggerTimeTracker (k8s.io/endpointslice/util): the `last-change-trigger-time` annotation is
// the earliest change, since the previous sync, among the pods' Ready transitions and the
// service's creation. Nothing changed (a relabel, a resync) means no annotation.
import type { PodObject, ServiceObject } from './pods.js';

interface State {
  readonly podTimes: Map<string, string>;
  readonly serviceTime: string | undefined;
}

/** The time a pod change that moves endpoints happened: its Ready condition's last transition. */
const podTriggerTime = (pod: PodObject): string | undefined =>
  (pod.status?.conditions ?? []).find((c) => c.type === 'Ready')?.lastTransitionTime;

export class TriggerTimeTracker {
  readonly #states = new Map<string, State>();

  /** Records this sync's state and returns the annotation value, or undefined for none. */
  compute(key: string, svc: ServiceObject, pods: readonly PodObject[]): string | undefined {
    const prev = this.#states.get(key);
    let min: number | undefined;
    const consider = (t: string | undefined) => {
      const ms = t ? Date.parse(t) : NaN;
      if (!Number.isNaN(ms) && (min === undefined || ms < min)) min = ms;
    };
    const podTimes = new Map<string, string>();
    for (const pod of pods) {
      const t = podTriggerTime(pod);
      if (!t) continue;
      podTimes.set(pod.metadata?.name ?? '', t);
      if (prev?.podTimes.get(pod.metadata?.name ?? '') !== t) consider(t);
    }
    const serviceTime = svc.metadata?.creationTimestamp ?? undefined;
    if (prev?.serviceTime !== serviceTime) consider(serviceTime);
    this.#states.set(key, { podTimes, serviceTime });
    // RFC3339Nano: trailing zeros of the fraction are dropped.
    return min === undefined ? undefined : new Date(min).toISOString().replace(/\.(\d*?)0+Z$/, (_m, d: string) => (d ? `.${d}Z` : 'Z'));
  }

  delete(key: string): void {
    this.#states.delete(key);
  }
}
