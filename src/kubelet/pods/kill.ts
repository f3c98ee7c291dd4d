// Pods the agent itself decided to end (upstream kubelet killPodFunc /
// TerminatePodAbnormallyAndWait): the eviction manager asks, the pod worker does it. A request
// names the grace period that overrides the pod's, and the terminal status to report (phase
// Failed, reason, message, conditions). request() re-queues the pod's sync through subscribe()
// and resolves once the containers are stopped and that status was written.
//
// A request is kept until the pod worker sees the pod terminal (or gone) in its informer, so a
// sync against a copy older than the written status never starts the pod again.
import type { Pod, PodCondition } from 'kubernetes-types/core/v1.js';

export interface KillRequest {
  /** Overrides the pod's terminationGracePeriodSeconds. */
  readonly gracePeriodSeconds: number;
  readonly reason: string;
  readonly message: string;
  /** Added to (or replacing same-typed) conditions of the final status. */
  readonly conditions?: readonly PodCondition[];
}

export interface KillState {
  readonly request: KillRequest;
  /** Stopped and its final status written: nothing is left to do but wait for the informer. */
  readonly terminated: boolean;
}

interface Entry extends KillState {
  readonly key: string;
  readonly done: Promise<void>;
  terminated: boolean;
  resolve(): void;
}

export class PodKills {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(podKey: string) => void>();

  /** Asks for the pod to be stopped for good; a second request for the same pod keeps the first. */
  request(pod: Pod, request: KillRequest): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    let entry = this.entries.get(uid);
    if (!entry) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => { resolve = r; });
      entry = { key: `${pod.metadata?.namespace}/${pod.metadata?.name}`, request, terminated: false, done, resolve };
      this.entries.set(uid, entry);
    }
    for (const fn of this.listeners) fn(entry.key);
    return entry.done;
  }

  get(uid: string): KillState | undefined {
    const entry = this.entries.get(uid);
    return entry && { request: entry.request, terminated: entry.terminated };
  }

  /** The pod worker stopped the pod and wrote its final status. */
  terminated(uid: string): void {
    const entry = this.entries.get(uid);
    if (!entry) return;
    entry.terminated = true;
    entry.resolve();
  }

  /** The informer shows the pod terminal, or it is gone: nothing is left to guard. */
  forget(uid: string): void {
    this.entries.get(uid)?.resolve();
    this.entries.delete(uid);
  }

  /** Drops requests for pods of this name other than `uid` (deleted, or replaced by a successor). */
  retain(namespace: string | undefined, name: string, uid: string | undefined): void {
    const key = `${namespace}/${name}`;
    for (const [u, e] of this.entries) if (e.key === key && u !== uid) this.forget(u);
  }

  subscribe(fn: (podKey: string) => void): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }
}
