// Identity of StatefulSet pods and claims (semantics groups a and b): ordinals, names, the
// identity labels, membership, and the pods and claims the controller creates.
//
// Contract (pure; nothing here performs I/O):
// - A pod's ordinal comes from its name `<parent>-<n>` (greedy parent, base-10 int32); a name
//   that does not parse has ordinal -1 and belongs to no set (A3).
// - Ordinals of a set run from spec.ordinals.start (0 when unset) for spec.replicas (A2, A5).
// - newStatefulSetPod builds a pod from a template the way upstream does: template labels,
//   annotations and finalizers, the identity labels on top, hostname/subdomain set once, one
//   claim volume per volumeClaimTemplate, a controller ref to the set (A6-A11, B5).
// - claimFor builds the claim of one template and ordinal: template copy, name `<tpl>-<set>-<n>`, labels
//   = template labels overwritten by selector.matchLabels (B1-B4).
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod, PodSpec, Volume } from 'kubernetes-types/core/v1.js';
import type { KubeObject, OwnerReference } from '../../core/index.js';

export type SetObject = StatefulSet & KubeObject;
export type PodObject = Pod & KubeObject;
export type ClaimObject = PersistentVolumeClaim & KubeObject;

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';
export const SET_API_VERSION = 'apps/v1';
export const SET_KIND = 'StatefulSet';

const ORDINAL_NAME = /^(.*)-([0-9]+)$/;
const MAX_INT32 = 2 ** 31 - 1;

const parsed = new Map<string, readonly [string, number]>();

/** [parent, ordinal]; ['', -1] when the name has no ordinal suffix. Memoised: every sync asks for every pod. */
export function parentAndOrdinal(name: string): readonly [string, number] {
  let r = parsed.get(name);
  if (r) return r;
  const m = ORDINAL_NAME.exec(name);
  const n = m ? Number(m[2]) : -1;
  // Go's ParseInt(…, 10, 32) fails past int32: the parent still parses, the ordinal does not.
  r = m ? [m[1], Number.isSafeInteger(n) && n <= MAX_INT32 ? n : -1] : ['', -1];
  if (parsed.size >= 1 << 16) parsed.clear();
  parsed.set(name, r);
  return r;
}

export const ordinalOf = (pod: KubeObject): number => parentAndOrdinal(pod.metadata?.name ?? '')[1];
export const startOrdinal = (set: SetObject): number => set.spec?.ordinals?.start ?? 0;
export const replicaCount = (set: SetObject): number => set.spec?.replicas ?? 1;
export const endOrdinal = (set: SetObject): number => startOrdinal(set) + replicaCount(set) - 1;
export const podName = (set: SetObject, ordinal: number): string => `${set.metadata?.name}-${ordinal}`;

export function claimName(set: SetObject, template: PersistentVolumeClaim, ordinal: number): string {
  return `${template.metadata?.name ?? ''}-${set.metadata?.name}-${ordinal}`;
}

/** A4: a member's name parses to this set's name. */
export const isMemberOf = (set: SetObject, pod: KubeObject): boolean =>
  parentAndOrdinal(pod.metadata?.name ?? '')[0] === set.metadata?.name;

export function inOrdinalRange(set: SetObject, pod: KubeObject): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
}

export const podRevision = (pod: KubeObject): string => pod.metadata?.labels?.[REVISION_LABEL] ?? '';

/** A12: the identity the controller enforces (the pod-index label is deliberately not part of it, A13). */
export function identityMatches(set: SetObject, pod: KubeObject): boolean {
  const name = pod.metadata?.name ?? '';
  const [parent, ordinal] = parentAndOrdinal(name);
  return ordinal >= 0 && parent === set.metadata?.name && name === podName(set, ordinal)
    && pod.metadata?.namespace === set.metadata?.namespace && pod.metadata?.labels?.[POD_NAME_LABEL] === name;
}

/** Every claim template has a volume of its name pointing at this ordinal's claim. */
export function storageMatches(set: SetObject, pod: PodObject): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = pod.spec?.volumes ?? [];
  return (set.spec?.volumeClaimTemplates ?? []).every((t) =>
    volumes.find((v) => v.name === t.metadata?.name)?.persistentVolumeClaim?.claimName === claimName(set, t, ordinal));
}

/** The names of the claims of `ordinal`, in template order. */
export function claimNames(set: SetObject, ordinal: number): string[] {
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => claimName(set, t, ordinal));
}

/** Sets name, namespace and the identity labels (A7, A8) on a pod the caller owns. */
export function updateIdentity(set: SetObject, pod: PodObject): void {
  const ordinal = ordinalOf(pod);
  const meta = (pod.metadata ??= {});
  meta.name = podName(set, ordinal);
  meta.namespace = set.metadata?.namespace;
  meta.labels = { ...meta.labels, [POD_NAME_LABEL]: meta.name, [POD_INDEX_LABEL]: String(ordinal) };
}

/** Replaces volumes named like claim templates with the claim volumes; keeps the rest (B5). */
export function updateStorage(set: SetObject, pod: PodObject): void {
  const ordinal = ordinalOf(pod);
  const templates = set.spec?.volumeClaimTemplates ?? [];
  const names = new Set(templates.map((t) => t.metadata?.name ?? ''));
  const claimVolumes: Volume[] = templates.map((t) => ({
    name: t.metadata?.name ?? '', persistentVolumeClaim: { claimName: claimName(set, t, ordinal) },
  }));
  const spec = (pod.spec ??= { containers: [] });
  const rest = (spec.volumes ?? []).filter((v) => !names.has(v.name));
  const volumes = [...claimVolumes, ...rest];
  if (volumes.length) spec.volumes = volumes; else delete spec.volumes;
}

export function controllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion, kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true,
  };
}

export const setRef = (set: SetObject): OwnerReference => controllerRef(set, SET_API_VERSION, SET_KIND);

/** The pod of `ordinal` at the template of `set` (a set already rendered at some revision). */
export function newStatefulSetPod(set: SetObject, ordinal: number, revision: string): PodObject {
  const template = set.spec?.template ?? {};
  const tm = template.metadata ?? {};
  const name = podName(set, ordinal);
  const pod: PodObject = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, generateName: `${set.metadata?.name}-`, namespace: set.metadata?.namespace,
      labels: { ...tm.labels },
      ownerReferences: [setRef(set)],
    },
    spec: structuredClone(template.spec ?? ({ containers: [] } as PodSpec)),
  };
  if (tm.annotations) pod.metadata!.annotations = { ...tm.annotations };
  if (tm.finalizers?.length) pod.metadata!.finalizers = [...tm.finalizers];
  updateIdentity(set, pod);
  // Hostname and subdomain are set at creation only (A6).
  pod.spec!.hostname = name;
  pod.spec!.subdomain = set.spec?.serviceName;
  if (!pod.spec!.subdomain) delete pod.spec!.subdomain;
  updateStorage(set, pod);
  pod.metadata!.labels![REVISION_LABEL] = revision;
  return pod;
}

/** The claim of one template for `ordinal` (B1-B4). */
export function claimFor(set: SetObject, template: PersistentVolumeClaim, ordinal: number): ClaimObject {
  const { status: _status, ...rest } = structuredClone(template) as ClaimObject & { status?: unknown };
  const meta = (rest.metadata = { ...rest.metadata });
  meta.name = claimName(set, template, ordinal);
  meta.namespace = set.metadata?.namespace;
  meta.labels = { ...meta.labels, ...set.spec?.selector?.matchLabels };
  if (!Object.keys(meta.labels).length) delete meta.labels;
  return { ...rest, apiVersion: 'v1', kind: 'PersistentVolumeClaim' } as ClaimObject;
}

/** The claims of `ordinal`, keyed by template name. */
export function claimsFor(set: SetObject, ordinal: number): Map<string, ClaimObject> {
  return new Map((set.spec?.volumeClaimTemplates ?? []).map((t) => [t.metadata?.name ?? '', claimFor(set, t, ordinal)]));
}
