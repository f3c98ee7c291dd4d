// Scoring of feasible nodes (upstream default score plugins and weights), each plugin giving
// 0..100 per node:
//   NodeResourcesFit LeastAllocated ×1   free share of cpu and memory after placing the pod
//                                         (non-zero requests: empty pods still count 100m/200Mi)
//   NodeResourcesBalancedAllocation ×1   cpu and memory used in equal shares
//   NodeAffinity (preferred) ×2          weights of matching preferred terms, normalised
//   InterPodAffinity (preferred) ×2      +/- weights of matching pods in the domain, min-max
//   PodTopologySpread (default) ×2       fewer pods of the same owner on the node is better
//                                         (upstream's system default hostname spreading)
//   TaintToleration ×3                   fewer untolerated PreferNoSchedule taints
// The highest total wins; ties are broken at random, as upstream does.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from './cache.js';
import { preferredNodeAffinityScore } from './node-selector.js';
import type { AffinityState } from './pod-affinity.js';
import { nodeAllocatable, type Resources } from './resources.js';
import { effectiveTaints, intolerablePreferNoSchedule } from './taints.js';

const MAX = 100;

function leastAllocated(nonZero: Resources, n: NodeInfo): { least: number; balanced: number } {
  const alloc = nodeAllocatable(n.node?.status?.allocatable as Record<string, unknown> | undefined);
  const frac = (used: number, cap: number) => (cap <= 0 ? 1 : Math.min(1, used / cap));
  const cpu = frac(n.nonZeroRequested.milliCPU + nonZero.milliCPU, alloc.milliCPU);
  const mem = frac(n.nonZeroRequested.memory + nonZero.memory, alloc.memory);
  return { least: ((1 - cpu) * MAX + (1 - mem) * MAX) / 2, balanced: (1 - Math.abs(cpu - mem) / 2) * MAX };
}

const ownerUid = (p: Pod) => p.metadata?.ownerReferences?.find((r) => r.controller)?.uid;

function normalise(raw: number[], reverse = false): number[] {
  const max = Math.max(0, ...raw);
  if (max === 0) return raw.map(() => (reverse ? MAX : 0));
  return raw.map((v) => (reverse ? MAX - (v * MAX) / max : (v * MAX) / max));
}

function minMax(raw: number[]): number[] {
  const min = Math.min(...raw), max = Math.max(...raw);
  if (max === min) return raw.map(() => 0);
  return raw.map((v) => ((v - min) * MAX) / (max - min));
}

export function selectNode(pod: Pod, nonZero: Resources, affinity: AffinityState, feasible: readonly NodeInfo[],
  random: () => number = Math.random): NodeInfo | undefined {
  if (feasible.length <= 1) return feasible[0];
  const owner = ownerUid(pod);
  const tolerations = pod.spec?.tolerations ?? [];
  const fit = feasible.map((n) => leastAllocated(nonZero, n));
  const nodeAff = normalise(feasible.map((n) => preferredNodeAffinityScore(pod, n.node!)));
  const podAff = minMax(feasible.map((n) => affinity.score(n.node!)));
  const spread = owner
    ? normalise(feasible.map((n) => { let c = 0; for (const p of n.pods.values()) if (ownerUid(p.pod) === owner) c++; return c; }), true)
    : feasible.map(() => 0);
  const taints = normalise(feasible.map((n) => intolerablePreferNoSchedule(effectiveTaints(n.node!), tolerations)), true);
  let best: NodeInfo | undefined;
  let bestScore = -Infinity;
  let ties = 0;
  feasible.forEach((n, i) => {
    const total = fit[i]!.least + fit[i]!.balanced + 2 * nodeAff[i]! + 2 * podAff[i]! + 2 * spread[i]! + 3 * taints[i]!;
    const score = Math.round(total * 1000) / 1000;
    if (score > bestScore) { best = n; bestScore = score; ties = 1; }
    else if (score === bestScore && random() * ++ties < 1) best = n;
  });
  return best;
}
