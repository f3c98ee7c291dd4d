// Taints and tolerations (upstream v1helper ToleratesTaint / FindMatchingUntoleratedTaint).
//
// Berth has no node lifecycle controller, so the scheduler reads node conditions the way that
// controller would taint them (TaintNodesByCondition): Ready False → not-ready, Ready Unknown
// or absent → unreachable, and memory/disk/PID pressure → their pressure taints, all
// NoSchedule. A pod tolerating those taints may land on such a node, as upstream.
import type { Node, Taint, Toleration } from 'kubernetes-types/core/v1.js';

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists': return true;
    case 'Equal': return (t.value ?? '') === (taint.value ?? '');
    default: return false;
  }
}

export const toleratedBy = (tolerations: readonly Toleration[], taint: Taint) => tolerations.some((t) => tolerates(t, taint));

const CONDITION_TAINTS: ReadonlyArray<{ type: string; status: string; key: string }> = [
  { type: 'Ready', status: 'False', key: 'node.kubernetes.io/not-ready' },
  { type: 'Ready', status: 'Unknown', key: 'node.kubernetes.io/unreachable' },
  { type: 'MemoryPressure', status: 'True', key: 'node.kubernetes.io/memory-pressure' },
  { type: 'DiskPressure', status: 'True', key: 'node.kubernetes.io/disk-pressure' },
  { type: 'PIDPressure', status: 'True', key: 'node.kubernetes.io/pid-pressure' },
];

/** The node's own taints plus those its conditions imply. */
export function effectiveTaints(node: Node): Taint[] {
  const taints = [...(node.spec?.taints ?? [])];
  const has = (key: string) => taints.some((t) => t.key === key && t.effect === 'NoSchedule');
  const conditions = node.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  for (const ct of CONDITION_TAINTS) {
    const c = ct.type === 'Ready' ? (ready ?? { status: 'Unknown' }) : conditions.find((x) => x.type === ct.type);
    if (c?.status === ct.status && !has(ct.key)) taints.push({ key: ct.key, effect: 'NoSchedule' });
  }
  return taints;
}

/** The first NoSchedule/NoExecute taint the pod does not tolerate. */
export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  return taints.find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !toleratedBy(tolerations, t));
}

/** PreferNoSchedule taints not tolerated (TaintToleration score, before normalising). */
export function intolerablePreferNoSchedule(taints: readonly Taint[], tolerations: readonly Toleration[]): number {
  const relevant = tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  return taints.filter((t) => t.effect === 'PreferNoSchedule' && !toleratedBy(relevant, t)).length;
}
