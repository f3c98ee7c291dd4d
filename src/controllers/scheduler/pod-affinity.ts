// Inter-pod affinity and anti-affinity (upstream InterPodAffinity filter and score), for any
// topologyKey: a term is about "pods in the same domain", where a domain is the set of nodes
// sharing the term's topologyKey label value (kubernetes.io/hostname: one node).
//
// Filter, per candidate node (first failure wins, as upstream):
// - required affinity: for every term, the node's domain holds a pod matching all the terms —
//   unless no such pod exists anywhere and the pod matches its own terms (the first of a group);
// - required anti-affinity: no term's domain on that node holds a matching pod;
// - existing pods' required anti-affinity: no pod in the node's domains rejects this pod.
// Score: preferred terms of the pod (+/- weight per matching pod in the domain) and of the
// existing pods towards it, normalised to 0..100 across the feasible nodes.
import type { Namespace, Node, Pod, PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { labelSelectorAsSelector, type Selector } from '../../core/index.js';
import type { NodeInfo, PodInfo } from './cache.js';

export const AFFINITY_MISMATCH = "node(s) didn't match pod affinity rules";
export const ANTI_AFFINITY_MISMATCH = "node(s) didn't match pod anti-affinity rules";
export const EXISTING_ANTI_AFFINITY_MISMATCH = "node(s) didn't satisfy existing pods anti-affinity rules";

interface Term {
  readonly topologyKey: string;
  readonly selector: Selector;
  readonly namespaces?: ReadonlySet<string>;
  readonly nsSelector?: Selector;
  /** Equal for terms that select the same pods (replicas of one set share it). */
  readonly key: string;
}

type NamespaceLookup = (name: string) => Namespace | undefined;

// Terms are compiled once per term object: informer objects are immutable, so a pod's terms
// keep their identity until the pod changes.
const compiled = new WeakMap<PodAffinityTerm, Term>();

function compile(owner: Pod, t: PodAffinityTerm): Term {
  let term = compiled.get(t);
  if (!term) compiled.set(t, (term = compileTerm(owner, t)));
  return term;
}

function compileTerm(owner: Pod, t: PodAffinityTerm): Term {
  const explicit = t.namespaces ?? [];
  const namespaces = explicit.length || !t.namespaceSelector ? new Set(explicit.length ? explicit : [owner.metadata?.namespace ?? '']) : undefined;
  const selector = labelSelectorAsSelector(t.labelSelector);
  const nsSelector = t.namespaceSelector ? labelSelectorAsSelector(t.namespaceSelector) : undefined;
  const key = [namespaces ? [...namespaces].sort().join(',') : '', nsSelector?.toString() ?? '', selector.matchesNothing ? '!' : selector.toString()].join('\u0000');
  return { topologyKey: t.topologyKey, selector, namespaces, nsSelector, key };
}

function termMatchesPod(term: Term, pod: Pod, ns: NamespaceLookup): boolean {
  const podNs = pod.metadata?.namespace ?? '';
  if (!term.namespaces?.has(podNs) && !(term.nsSelector?.matches(ns(podNs)?.metadata?.labels) ?? false)) return false;
  return term.selector.matches(pod.metadata?.labels);
}

const pair = (key: string, value: string) => `${key}\u0000${value}`;
const nodeLabels = (n: Node | undefined) => n?.metadata?.labels ?? {};

export interface AffinityState {
  /** First reason the node fails on, if it does. */
  filter(node: Node): { reason: string; resolvable: boolean } | undefined;
  /** Raw preference score of a node (sum of weights), before normalising. */
  score(node: Node): number;
}

export function affinityState(pod: Pod, nodes: Iterable<NodeInfo>, withAffinity: Iterable<PodInfo>,
  nodeOf: (name: string) => Node | undefined, ns: NamespaceLookup): AffinityState {
  const a = pod.spec?.affinity;
  const affinity = (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compile(pod, t));
  const anti = (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compile(pod, t));
  const prefer = (list: readonly WeightedPodAffinityTerm[] | undefined, sign: number) =>
    (list ?? []).map((w) => ({ term: compile(pod, w.podAffinityTerm), weight: sign * w.weight }));
  const preferred = [...prefer(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, 1),
    ...prefer(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, -1)];

  const affinityCounts = new Map<string, number>();
  const antiCounts = new Map<string, number>();
  const existingAnti = new Map<string, number>();
  const scores = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

  if (affinity.length || anti.length || preferred.length) {
    // Node by node: a node's topology values are looked up once for all its pods.
    for (const n of nodes) {
      const labels = nodeLabels(n.node);
      const affPairs = affinity.map((t) => (labels[t.topologyKey] === undefined ? undefined : pair(t.topologyKey, labels[t.topologyKey]!)));
      const antiPairs = anti.map((t) => (labels[t.topologyKey] === undefined ? undefined : pair(t.topologyKey, labels[t.topologyKey]!)));
      const prefPairs = preferred.map((p) => (labels[p.term.topologyKey] === undefined ? undefined : pair(p.term.topologyKey, labels[p.term.topologyKey]!)));
      for (const info of n.pods.values()) {
        if (affinity.length && affinity.every((t) => termMatchesPod(t, info.pod, ns))) {
          for (const k of affPairs) if (k) bump(affinityCounts, k);
        }
        anti.forEach((t, i) => { if (antiPairs[i] && termMatchesPod(t, info.pod, ns)) bump(antiCounts, antiPairs[i]!); });
        preferred.forEach((p, i) => { if (prefPairs[i] && termMatchesPod(p.term, info.pod, ns)) bump(scores, prefPairs[i]!, p.weight); });
      }
    }
  }
  // Existing pods' terms towards this pod; replicas share terms, so each distinct term is
  // matched against this pod once.
  const seen = new Map<string, boolean>();
  const selects = (term: Term) => {
    let m = seen.get(term.key);
    if (m === undefined) seen.set(term.key, (m = termMatchesPod(term, pod, ns)));
    return m;
  };
  for (const info of withAffinity) {
    const labels = nodeLabels(nodeOf(info.node));
    const ea = info.pod.spec?.affinity;
    for (const t of ea?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
      const term = compile(info.pod, t);
      if (labels[term.topologyKey] !== undefined && selects(term)) bump(existingAnti, pair(term.topologyKey, labels[term.topologyKey]!));
    }
    for (const w of ea?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      const term = compile(info.pod, w.podAffinityTerm);
      if (labels[term.topologyKey] !== undefined && selects(term)) bump(scores, pair(term.topologyKey, labels[term.topologyKey]!), w.weight);
    }
    for (const w of ea?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      const term = compile(info.pod, w.podAffinityTerm);
      if (labels[term.topologyKey] !== undefined && selects(term)) bump(scores, pair(term.topologyKey, labels[term.topologyKey]!), -w.weight);
    }
  }
  const selfMatch = affinity.every((t) => termMatchesPod(t, pod, ns));

  return {
    filter(node) {
      const labels = nodeLabels(node);
      if (affinity.length) {
        let found = true;
        for (const t of affinity) {
          const v = labels[t.topologyKey];
          if (v === undefined) return { reason: AFFINITY_MISMATCH, resolvable: false };
          if (!affinityCounts.get(pair(t.topologyKey, v))) found = false;
        }
        if (!found && !(affinityCounts.size === 0 && selfMatch)) return { reason: AFFINITY_MISMATCH, resolvable: false };
      }
      for (const t of anti) {
        const v = labels[t.topologyKey];
        if (v !== undefined && antiCounts.get(pair(t.topologyKey, v))) return { reason: ANTI_AFFINITY_MISMATCH, resolvable: true };
      }
      for (const [k, v] of Object.entries(labels)) {
        if (existingAnti.get(pair(k, v))) return { reason: EXISTING_ANTI_AFFINITY_MISMATCH, resolvable: true };
      }
      return undefined;
    },
    score(node) {
      let s = 0;
      for (const [k, v] of Object.entries(nodeLabels(node))) s += scores.get(pair(k, v)) ?? 0;
      return s;
    },
  };
}
