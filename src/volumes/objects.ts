// Pure helpers over claims, volumes, pods and classes that every storage controller shares
// (upstream component-helpers/storage/volume and pkg/volume/util): how a claim names its
// class, what a volume offers, whether the two fit, and which claims a pod uses.
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { jsonCopy, tryParseQuantity, Quantity, type KubeObject, type Mutable } from '../core/index.js';
import { ANN_BETA_DEFAULT_CLASS, ANN_BETA_STORAGE_CLASS, ANN_DEFAULT_CLASS } from './annotations.js';

export type PersistentVolumeObject = Mutable<PersistentVolume> & KubeObject;
export type PersistentVolumeClaimObject = Mutable<PersistentVolumeClaim> & KubeObject;
export type PodObject = Pod & KubeObject;
export type NodeObject = Node & KubeObject;
export type StorageClassObject = StorageClass & KubeObject;

const ZERO = Quantity.of(0n);

export const claimKey = (namespace: string | undefined, name: string | undefined): string => `${namespace ?? ''}/${name ?? ''}`;
export const keyOfClaim = (c: PersistentVolumeClaimObject): string => claimKey(c.metadata?.namespace, c.metadata?.name);

/** The class a claim asks for (E5): the beta annotation, else spec.storageClassName, else "". */
export function claimClass(claim: PersistentVolumeClaimObject): string {
  const ann = claim.metadata?.annotations;
  if (ann && Object.prototype.hasOwnProperty.call(ann, ANN_BETA_STORAGE_CLASS)) return ann[ANN_BETA_STORAGE_CLASS]!;
  return claim.spec?.storageClassName ?? '';
}

/** Whether the user asked for any class at all, "" included (nil is the only "no"). */
export function claimHasClass(claim: PersistentVolumeClaimObject): boolean {
  const ann = claim.metadata?.annotations;
  if (ann && Object.prototype.hasOwnProperty.call(ann, ANN_BETA_STORAGE_CLASS)) return true;
  return claim.spec?.storageClassName !== undefined && claim.spec.storageClassName !== null;
}

/** The class a volume belongs to (E5). */
export function volumeClass(pv: PersistentVolumeObject): string {
  const ann = pv.metadata?.annotations;
  if (ann && Object.prototype.hasOwnProperty.call(ann, ANN_BETA_STORAGE_CLASS)) return ann[ANN_BETA_STORAGE_CLASS]!;
  return pv.spec?.storageClassName ?? '';
}

/** The storage a claim requests; a missing or unparseable request counts as zero, as in Go. */
export function requestedStorage(claim: PersistentVolumeClaimObject): Quantity {
  return tryParseQuantity((claim.spec?.resources?.requests as Record<string, unknown> | undefined)?.storage) ?? ZERO;
}

export function volumeCapacity(pv: PersistentVolumeObject): Quantity {
  return tryParseQuantity((pv.spec?.capacity as Record<string, unknown> | undefined)?.storage) ?? ZERO;
}

/** Pre-bound or bound to this claim: name and namespace equal, and the uid if the ref has one. */
export function isVolumeBoundToClaim(pv: PersistentVolumeObject, claim: PersistentVolumeClaimObject): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata?.name || (ref.namespace ?? '') !== (claim.metadata?.namespace ?? '')) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/** volumeMode differs; a missing mode is Filesystem on both sides. */
export function volumeModeMismatch(claim: PersistentVolumeClaimObject, pv: PersistentVolumeObject): boolean {
  return (claim.spec?.volumeMode ?? 'Filesystem') !== (pv.spec?.volumeMode ?? 'Filesystem');
}

/** The volume offers every mode the claim asks for. */
export function accessModesSatisfied(claim: PersistentVolumeClaimObject, pv: PersistentVolumeObject): boolean {
  const offered = new Set(pv.spec?.accessModes ?? []);
  return (claim.spec?.accessModes ?? []).every((m) => offered.has(m));
}

const MODE_ORDER: readonly [string, string][] = [
  ['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP'],
];

/** The canonical name of a set of access modes ("RWO,ROX"), duplicates and order ignored. */
export function accessModesKey(modes: readonly string[] | undefined): string {
  const set = new Set(modes ?? []);
  return MODE_ORDER.filter(([m]) => set.has(m)).map(([, short]) => short).join(',');
}

/** Inverse of accessModesKey. */
export function accessModesFromKey(key: string): string[] {
  const shorts = new Set(key ? key.split(',') : []);
  return MODE_ORDER.filter(([, s]) => shorts.has(s)).map(([m]) => m);
}

/** Names of the claims a pod uses, generic ephemeral volumes included (`<pod>-<volume>`). */
export function podClaimNames(pod: PodObject): string[] {
  const out: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) out.push(`${pod.metadata?.name ?? ''}-${v.name}`);
  }
  return out;
}

/** Keys (`namespace/claim`) of the claims a pod uses: the index controllers look pods up by. */
export const podClaimKeys = (pod: PodObject): string[] => podClaimNames(pod).map((n) => claimKey(pod.metadata?.namespace, n));

/** The pod has finished: Succeeded/Failed, or deleted with no container left running. */
export function isPodTerminated(pod: PodObject): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return true;
  if (!pod.metadata?.deletionTimestamp) return false;
  const s = pod.status ?? {};
  const statuses = [...(s.initContainerStatuses ?? []), ...(s.containerStatuses ?? []), ...(s.ephemeralContainerStatuses ?? [])];
  return statuses.every((c) => !!c.state?.terminated || !!c.state?.waiting);
}

/** The default class (E34): newest creationTimestamp among the marked ones, ties by name. */
export function defaultStorageClass(classes: readonly StorageClassObject[]): StorageClassObject | undefined {
  let best: StorageClassObject | undefined;
  for (const c of classes) {
    const a = c.metadata?.annotations ?? {};
    if (a[ANN_DEFAULT_CLASS] !== 'true' && a[ANN_BETA_DEFAULT_CLASS] !== 'true') continue;
    if (!best) { best = c; continue; }
    const tc = c.metadata?.creationTimestamp ?? '', tb = best.metadata?.creationTimestamp ?? '';
    if (tc > tb || (tc === tb && (c.metadata?.name ?? '') < (best.metadata?.name ?? ''))) best = c;
  }
  return best;
}

/**
 * A copy of an object to modify and write back, without metadata.managedFields: the server
 * then keeps the live object's managedFields (as upstream does when a request omits them),
 * and skips decoding and comparing the ones we would have echoed back — half the cost of an
 * update on this server.
 */
export function copyForWrite<T extends KubeObject>(obj: T): T {
  if (!obj.metadata?.managedFields) return jsonCopy(obj);
  // Leave the (large) managedFields out of the copy instead of copying and dropping them.
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return jsonCopy({ ...obj, metadata });
}
