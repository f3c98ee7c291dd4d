// The scheduler's picture of the cluster (upstream scheduler cache + NodeInfo): per node, the
// pods on it with their summed requests and host ports, kept up to date incrementally from the
// pod and node informers, so scheduling a pod never lists anything.
//
// Contract:
// - A pod counts on a node from the moment it is bound there (or assumed: decided, binding
//   in flight) until it is deleted or reaches Succeeded/Failed. Terminating pods still count.
// - assume(pod, node) makes a decision visible at once; the informer later confirms it (the
//   pod shows up with that nodeName) or forget(uid) undoes it when the binding failed.
// - A change handler returns what it changed, so the controller can wake waiting pods.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { addResources, emptyResources, podRequests, type Resources } from './resources.js';

export interface PodInfo {
  readonly uid: string;
  readonly node: string;
  readonly pod: Pod;
  readonly requests: Resources;
  readonly nonZero: Resources;
  /** `protocol/hostIP/port` of every hostPort. */
  readonly ports: readonly string[];
}

export interface NodeInfo {
  readonly name: string;
  node?: Node;
  readonly pods: Map<string, PodInfo>;
  readonly requested: Resources;
  readonly nonZeroRequested: Resources;
  readonly usedPorts: Map<string, number>;
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

export function hostPorts(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP || '0.0.0.0'}/${p.hostPort}`);
    }
  }
  return out;
}

export function hasPodAffinity(pod: Pod): boolean {
  const a = pod.spec?.affinity;
  return !!(a?.podAffinity || a?.podAntiAffinity);
}

/** Whether a pod, as the API shows it, occupies a node. */
export const occupies = (pod: Pod | undefined): boolean => !!pod?.spec?.nodeName && !TERMINAL.has(pod.status?.phase ?? '');

export class ClusterCache {
  readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodInfo>();
  private readonly assumed = new Set<string>();
  /** Pods on nodes that carry (anti-)affinity terms: the ones whose terms bind others. */
  readonly withAffinity = new Map<string, PodInfo>();

  private info(name: string): NodeInfo {
    let n = this.nodes.get(name);
    if (!n) {
      n = { name, pods: new Map(), requested: emptyResources(), nonZeroRequested: emptyResources(), usedPorts: new Map() };
      this.nodes.set(name, n);
    }
    return n;
  }

  setNode(node: Node): void {
    this.info(node.metadata!.name!).node = node;
  }

  removeNode(name: string): void {
    const n = this.nodes.get(name);
    if (!n) return;
    n.node = undefined;
    if (n.pods.size === 0) this.nodes.delete(name);
  }

  /** Nodes that exist as objects (pods may point at nodes that do not). */
  readyNodes(): NodeInfo[] {
    return [...this.nodes.values()].filter((n) => n.node);
  }

  isAssumed(uid: string): boolean {
    return this.assumed.has(uid);
  }

  assume(pod: Pod, node: string): void {
    const uid = pod.metadata!.uid!;
    this.add({ ...pod, spec: { ...pod.spec!, nodeName: node } }, uid);
    this.assumed.add(uid);
  }

  forget(uid: string): void {
    if (this.assumed.delete(uid)) this.remove(uid);
  }

  /**
   * Applies an informer change. Returns 'freed' when a pod stopped occupying a node,
   * 'placed' when one started to, undefined otherwise.
   */
  onPodChange(old: Pod | undefined, next: Pod | undefined): 'freed' | 'placed' | undefined {
    const uid = (next ?? old)?.metadata?.uid;
    if (!uid) return undefined;
    const had = this.pods.get(uid);
    if (next && this.assumed.has(uid) && !next.spec?.nodeName) return undefined; // binding not visible yet
    this.assumed.delete(uid);
    if (next && occupies(next)) {
      const moved = had?.node !== next.spec!.nodeName;
      this.remove(uid);
      this.add(next, uid);
      return had && !moved ? undefined : 'placed';
    }
    if (had) {
      this.remove(uid);
      return 'freed';
    }
    return undefined;
  }

  private add(pod: Pod, uid: string): void {
    const info: PodInfo = {
      uid, node: pod.spec!.nodeName!, pod, requests: podRequests(pod), nonZero: podRequests(pod, true), ports: hostPorts(pod),
    };
    const n = this.info(info.node);
    n.pods.set(uid, info);
    addResources(n.requested, info.requests);
    addResources(n.nonZeroRequested, info.nonZero);
    for (const p of info.ports) n.usedPorts.set(p, (n.usedPorts.get(p) ?? 0) + 1);
    this.pods.set(uid, info);
    if (hasPodAffinity(pod)) this.withAffinity.set(uid, info);
  }

  private remove(uid: string): void {
    const info = this.pods.get(uid);
    if (!info) return;
    this.pods.delete(uid);
    this.withAffinity.delete(uid);
    const n = this.nodes.get(info.node);
    if (!n) return;
    n.pods.delete(uid);
    addResources(n.requested, info.requests, -1);
    addResources(n.nonZeroRequested, info.nonZero, -1);
    for (const p of info.ports) {
      const left = (n.usedPorts.get(p) ?? 1) - 1;
      if (left > 0) n.usedPorts.set(p, left); else n.usedPorts.delete(p);
    }
    if (!n.node && n.pods.size === 0) this.nodes.delete(info.node);
  }
}
