// Volume constraints of a pod (upstream VolumeBinding plugin; k8s-semantics E35–E37).
//
// Pre-filter (the pod as a whole; any failure rejects every node with that one message):
//   claim missing → `persistentvolumeclaim "<n>" not found`; Lost → `... bound to non-existent
//   persistentvolume "<pv>"`; being deleted → `... is being deleted`; an unbound claim of an
//   Immediate class → `pod has unbound immediate PersistentVolumeClaims`.
// Filter (per node; every failed check adds its reason):
//   bound claims: the PV must exist and its node affinity admit the node;
//   unbound WaitForFirstConsumer claims: a claim already given a selected-node fits only that
//   node; otherwise a matching Available PV that admits the node (static), else the class must
//   be able to provision there (a provisioner other than kubernetes.io/no-provisioner, and the
//   class's allowedTopologies).
// The chosen node's plan says which PVs to pre-bind and which claims to annotate.
import type {
  Node, PersistentVolume, PersistentVolumeClaim, Pod, TopologySelectorTerm,
} from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { labelSelectorAsSelector, tryParseQuantity } from '../../core/index.js';
import { volumeFitsNode } from './node-selector.js';

export const NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

export interface VolumeListers {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  volumes(): readonly PersistentVolume[];
  storageClass(name: string): StorageClass | undefined;
}

export interface PodClaims {
  readonly bound: PersistentVolumeClaim[];
  readonly delayed: PersistentVolumeClaim[];
}

export interface VolumePlan {
  /** PVs to pre-bind to a claim (claimRef), E36 static path. */
  readonly staticBindings: Array<{ pv: PersistentVolume; claim: PersistentVolumeClaim }>;
  /** Claims that need `volume.kubernetes.io/selected-node` set to the node. */
  readonly provision: PersistentVolumeClaim[];
}

export const claimClass = (c: PersistentVolumeClaim) => c.metadata?.annotations?.[BETA_CLASS] ?? c.spec?.storageClassName ?? '';
const volumeClass = (v: PersistentVolume) => v.metadata?.annotations?.[BETA_CLASS] ?? v.spec?.storageClassName ?? '';
const fullyBound = (c: PersistentVolumeClaim) => !!c.spec?.volumeName && c.metadata?.annotations?.[BIND_COMPLETED] !== undefined;

/** Claim names of the pod's volumes (generic ephemeral volumes: `<pod>-<volume>`). */
export function podClaimNames(pod: Pod): Array<{ name: string; ephemeral: boolean }> {
  return (pod.spec?.volumes ?? []).flatMap((v): Array<{ name: string; ephemeral: boolean }> => {
    if (v.persistentVolumeClaim) return [{ name: v.persistentVolumeClaim.claimName, ephemeral: false }];
    if (v.ephemeral) return [{ name: `${pod.metadata?.name}-${v.name}`, ephemeral: true }];
    return [];
  });
}

/** PreFilter: the pod's claims sorted into bound and delayed, or the message rejecting the pod. */
export function preFilterVolumes(pod: Pod, l: VolumeListers): PodClaims | { error: string } {
  const bound: PersistentVolumeClaim[] = [], delayed: PersistentVolumeClaim[] = [];
  let immediateUnbound = false;
  const ns = pod.metadata?.namespace ?? '';
  for (const { name, ephemeral } of podClaimNames(pod)) {
    const c = l.claim(ns, name);
    if (!c) return { error: ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"` : `persistentvolumeclaim "${name}" not found` };
    if (c.status?.phase === 'Lost') return { error: `persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${c.spec?.volumeName ?? ''}"` };
    if (c.metadata?.deletionTimestamp) return { error: `persistentvolumeclaim "${name}" is being deleted` };
    if (fullyBound(c)) { bound.push(c); continue; }
    const cls = claimClass(c);
    const sc = cls ? l.storageClass(cls) : undefined;
    if (sc?.volumeBindingMode === 'WaitForFirstConsumer') delayed.push(c);
    else immediateUnbound = true;
  }
  if (immediateUnbound) return { error: 'pod has unbound immediate PersistentVolumeClaims' };
  return { bound, delayed };
}

const request = (c: PersistentVolumeClaim) => tryParseQuantity(c.spec?.resources?.requests?.storage);
const capacity = (v: PersistentVolume) => tryParseQuantity(v.spec?.capacity?.storage);

function boundToClaim(v: PersistentVolume, c: PersistentVolumeClaim): boolean {
  const ref = v.spec?.claimRef;
  return !!ref && ref.name === c.metadata?.name && ref.namespace === c.metadata?.namespace && (!ref.uid || ref.uid === c.metadata?.uid);
}

/** FindMatchingVolume for the scheduler (a node given, delayed binding). */
export function findMatchingVolume(c: PersistentVolumeClaim, volumes: readonly PersistentVolume[], node: Node,
  excluded: ReadonlySet<string>): PersistentVolume | undefined {
  const want = request(c);
  const modes = c.spec?.accessModes ?? [];
  const selector = c.spec?.selector ? labelSelectorAsSelector(c.spec.selector) : undefined;
  let best: PersistentVolume | undefined;
  for (const v of volumes) {
    const have = capacity(v);
    if (want && (!have || have.cmp(want) < 0)) continue;
    if ((v.spec?.volumeMode ?? 'Filesystem') !== (c.spec?.volumeMode ?? 'Filesystem')) continue;
    if (v.metadata?.deletionTimestamp) continue;
    if (!modes.every((m) => (v.spec?.accessModes ?? []).includes(m))) continue;
    const fits = volumeFitsNode(v, node);
    if (boundToClaim(v, c)) return fits ? v : undefined;
    if (v.status?.phase !== 'Available' || v.spec?.claimRef) continue;
    if (selector && !selector.matches(v.metadata?.labels)) continue;
    if (volumeClass(v) !== claimClass(c) || !fits || excluded.has(v.metadata?.name ?? '')) continue;
    if (!best || capacity(best)!.cmp(have!) > 0) best = v;
  }
  return best;
}

function topologyAllows(terms: readonly TopologySelectorTerm[] | undefined, node: Node): boolean {
  if (!terms?.length) return true;
  const labels = node.metadata?.labels ?? {};
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => labels[e.key] !== undefined && e.values.includes(labels[e.key]!)));
}

/** Filter for one node: failure reasons (sorted, as upstream) or the plan for that node. */
export function filterVolumes(claims: PodClaims, node: Node, l: VolumeListers): { reasons: string[] } | { plan: VolumePlan } {
  const reasons = new Set<string>();
  for (const c of claims.bound) {
    const pv = l.volume(c.spec!.volumeName!);
    if (!pv) reasons.add(PV_NOT_EXIST);
    else if (!volumeFitsNode(pv, node)) reasons.add(NODE_CONFLICT);
  }
  const plan: VolumePlan = { staticBindings: [], provision: [] };
  const name = node.metadata?.name ?? '';
  const chosen = new Set<string>();
  // Smaller claims first, so a small PV is not taken by a large claim's search (upstream byPVCSize).
  const delayed = [...claims.delayed].sort((a, b) => {
    const qa = request(a), qb = request(b);
    return qa && qb ? qa.cmp(qb) : 0;
  });
  for (const c of delayed) {
    const selected = c.metadata?.annotations?.[SELECTED_NODE];
    if (selected !== undefined && selected !== name) { reasons.add(BIND_CONFLICT); break; }
    if (selected === undefined) {
      const pv = findMatchingVolume(c, l.volumes(), node, chosen);
      if (pv) { chosen.add(pv.metadata!.name!); plan.staticBindings.push({ pv, claim: c }); continue; }
    }
    const sc = l.storageClass(claimClass(c));
    if (!sc?.provisioner || sc.provisioner === NO_PROVISIONER || !topologyAllows(sc.allowedTopologies, node)) {
      reasons.add(BIND_CONFLICT);
      continue;
    }
    plan.provision.push(c);
  }
  if (reasons.size) return { reasons: [...reasons].sort() };
  return { plan };
}
