// One scheduling decision for one pod against the cached cluster (upstream schedulePod):
// pre-filter, filter every node, score the feasible ones, pick one. Pure over its inputs.
//
// Outcomes:
//   bind         every claim is bound: bind the pod to the node now;
//   volumes      the node is chosen but claims still need binding: pre-bind PVs / set
//                selected-node on claims, then wait until the PV controller and provisioner
//                have bound them (the next decision then finds them bound and binds the pod);
//   unschedulable  no node fits; message is the FailedScheduling text.
import type { Namespace, Pod } from 'kubernetes-types/core/v1.js';
import { hostPorts, type ClusterCache, type NodeInfo } from './cache.js';
import { filterNode, type PodCycle } from './filters.js';
import { fitErrorMessage, NO_NODES_MESSAGE, type NodeFailure } from './fit-error.js';
import { affinityState } from './pod-affinity.js';
import { podRequests } from './resources.js';
import { selectNode } from './score.js';
import { spreadState } from './topology-spread.js';
import { preFilterVolumes, type VolumeListers, type VolumePlan } from './volume-binding.js';

export type Decision =
  | { readonly kind: 'bind'; readonly node: string }
  | { readonly kind: 'volumes'; readonly node: string; readonly plan: VolumePlan }
  | { readonly kind: 'unschedulable'; readonly message: string };

export interface ScheduleInputs {
  readonly cache: ClusterCache;
  readonly volumes: VolumeListers;
  readonly namespace: (name: string) => Namespace | undefined;
  readonly random?: () => number;
}

export function schedulePod(pod: Pod, inputs: ScheduleInputs): Decision {
  const { cache } = inputs;
  const nodes = cache.readyNodes();
  if (nodes.length === 0) return { kind: 'unschedulable', message: NO_NODES_MESSAGE };
  const preemptionPolicy = pod.spec?.preemptionPolicy;
  const claims = preFilterVolumes(pod, inputs.volumes);
  if ('error' in claims) {
    return { kind: 'unschedulable', message: fitErrorMessage({ nodeCount: nodes.length, preFilterMessage: claims.error, failures: [], preemptionPolicy }) };
  }
  const affinity = affinityState(pod, cache.nodes.values(), cache.withAffinity.values(), (n) => cache.nodes.get(n)?.node, inputs.namespace);
  const cycle: PodCycle = {
    pod, requests: podRequests(pod), ports: hostPorts(pod), tolerations: pod.spec?.tolerations ?? [],
    affinity, spread: spreadState(pod, nodes), claims, volumes: inputs.volumes,
  };
  const failures: NodeFailure[] = [];
  const feasible: NodeInfo[] = [];
  const plans = new Map<string, VolumePlan>();
  for (const n of nodes) {
    const r = filterNode(cycle, n);
    if ('failure' in r) failures.push(r.failure);
    else { feasible.push(n); plans.set(n.name, r.plan); }
  }
  const chosen = selectNode(pod, podRequests(pod, true), affinity, feasible, inputs.random);
  if (!chosen) return { kind: 'unschedulable', message: fitErrorMessage({ nodeCount: nodes.length, failures, preemptionPolicy }) };
  const plan = plans.get(chosen.name)!;
  const pendingClaims = claims.delayed.length > 0;
  if (pendingClaims) return { kind: 'volumes', node: chosen.name, plan };
  return { kind: 'bind', node: chosen.name };
}
