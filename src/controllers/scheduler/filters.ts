// The filter chain for one pod on one node, in upstream's plugin order; the first plugin that
// rejects the node decides its reasons (a plugin may give several, e.g. Insufficient cpu and
// Insufficient memory):
//   NodeUnschedulable → TaintToleration → NodeAffinity → NodePorts → NodeResourcesFit →
//   VolumeBinding → PodTopologySpread → InterPodAffinity
import type { Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from './cache.js';
import type { NodeFailure } from './fit-error.js';
import { podMatchesNode } from './node-selector.js';
import type { AffinityState } from './pod-affinity.js';
import type { SpreadState } from './topology-spread.js';
import { nodeAllocatable, type Resources } from './resources.js';
import { effectiveTaints, toleratedBy, untoleratedTaint } from './taints.js';
import { filterVolumes, type PodClaims, type VolumeListers, type VolumePlan } from './volume-binding.js';

export const UNSCHEDULABLE = 'node(s) were unschedulable';
export const NODE_AFFINITY_MISMATCH = "node(s) didn't match Pod's node affinity/selector";
export const PORTS_IN_USE = "node(s) didn't have free ports for the requested pod ports";

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export interface PodCycle {
  readonly pod: Pod;
  readonly requests: Resources;
  readonly ports: readonly string[];
  readonly tolerations: readonly Toleration[];
  readonly affinity: AffinityState;
  readonly spread: SpreadState;
  readonly claims: PodClaims;
  readonly volumes: VolumeListers;
}

export type FilterResult = { readonly failure: NodeFailure } | { readonly plan: VolumePlan };

const fail = (reasons: string[], resolvable: boolean): FilterResult => ({ failure: { reasons, resolvable } });

function portConflict(wanted: string, used: ReadonlyMap<string, number>): boolean {
  const [proto, ip, port] = wanted.split('/');
  for (const u of used.keys()) {
    const [p2, ip2, port2] = u.split('/');
    if (p2 === proto && port2 === port && (ip === ip2 || ip === '0.0.0.0' || ip2 === '0.0.0.0')) return true;
  }
  return false;
}

// Parsed once per node object (informer objects are replaced, never changed, on updates).
const allocatables = new WeakMap<object, Resources>();

function allocatableOf(node: NodeInfo['node']): Resources {
  if (!node) return nodeAllocatable(undefined);
  let r = allocatables.get(node);
  if (!r) allocatables.set(node, (r = nodeAllocatable(node.status?.allocatable as Record<string, unknown> | undefined)));
  return r;
}

function insufficient(cycle: PodCycle, n: NodeInfo): string[] {
  const alloc = allocatableOf(n.node);
  const req = cycle.requests, used = n.requested;
  const reasons: string[] = [];
  if (n.pods.size + 1 > alloc.pods) reasons.push('Too many pods');
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) reasons.push('Insufficient cpu');
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) reasons.push('Insufficient memory');
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) reasons.push('Insufficient ephemeral-storage');
  for (const [name, q] of req.scalar) {
    if (q > 0 && q > (alloc.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

export function filterNode(cycle: PodCycle, n: NodeInfo): FilterResult {
  const node = n.node!;
  if (node.spec?.unschedulable && !toleratedBy(cycle.tolerations, UNSCHEDULABLE_TAINT)) return fail([UNSCHEDULABLE], false);
  const taint = untoleratedTaint(effectiveTaints(node), cycle.tolerations);
  if (taint) return fail([`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], false);
  if (!podMatchesNode(cycle.pod, node)) return fail([NODE_AFFINITY_MISMATCH], false);
  if (cycle.ports.some((p) => portConflict(p, n.usedPorts))) return fail([PORTS_IN_USE], true);
  const short = insufficient(cycle, n);
  if (short.length) return fail(short, true);
  const volumes = filterVolumes(cycle.claims, node, cycle.volumes);
  if ('reasons' in volumes) return fail(volumes.reasons, false);
  const spread = cycle.spread.filter(node);
  if (spread) return fail([spread.reason], spread.resolvable);
  const affinity = cycle.affinity.filter(node);
  if (affinity) return fail([affinity.reason], affinity.resolvable);
  return { plan: volumes.plan };
}
