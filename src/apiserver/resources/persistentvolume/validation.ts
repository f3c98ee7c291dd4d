// PersistentVolume validation (upstream ValidatePersistentVolumeSpec / ValidatePersistentVolumeUpdate).
import type { PersistentVolume, PersistentVolumeSpec, VolumeNodeAffinity } from 'kubernetes-types/core/v1.js';
import { field, type FieldError } from '../../../core/index.js';
import {
  ACCESS_MODES, FIELD_IMMUTABLE, GoValue, MAY_NOT_MORE_THAN_ONE_VOLUME, VOLUME_MODES, child, key, nameIsDNSSubdomain, quantityAt,
  semanticEqual, specDiff, validateAccessModes, validateBasicResource, validateImmutable, validateNodeSelector, validateObjectMeta,
  validateObjectMetaUpdate, validatePositiveQuantityValue,
} from '../../../core/validation/index.js';
import * as vs from '../../../core/validation/index.js';

type Src = vs.Src;
void ACCESS_MODES;

const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

/** PersistentVolumeSource members, in upstream's check order, with the path each is checked under. */
const PV_SOURCES: ReadonlyArray<[string, string, (s: Src, p: string, pvName: string) => FieldError[]]> = [
  ['hostPath', 'hostPath', vs.validateHostPath], ['gcePersistentDisk', 'persistentDisk', vs.validateGCEPD],
  ['awsElasticBlockStore', 'awsElasticBlockStore', vs.validateAWSEBS], ['glusterfs', 'glusterfs', vs.validateGlusterfsPersistent],
  ['flocker', 'flocker', vs.validateFlocker], ['nfs', 'nfs', vs.validateNFS], ['rbd', 'rbd', vs.validateRBD],
  ['quobyte', 'quobyte', vs.validateQuobyte], ['cephfs', 'cephfs', vs.validateCephFS],
  ['iscsi', 'iscsi', (s, p, n) => vs.validateISCSIPersistent(s, p, n)], ['cinder', 'cinder', vs.validateCinderPersistent],
  ['fc', 'fc', vs.validateFC], ['flexVolume', 'flexVolume', vs.validateFlex], ['azureFile', 'azureFile', vs.validateAzureFilePV],
  ['vsphereVolume', 'vsphereVolume', vs.validateVsphere], ['photonPersistentDisk', 'photonPersistentDisk', vs.validatePhoton],
  ['portworxVolume', 'portworxVolume', vs.validatePortworx], ['azureDisk', 'azureDisk', vs.validateAzureDisk],
  ['scaleIO', 'scaleIO', vs.validateScaleIO], ['local', 'local', vs.validateLocal],
  ['storageos', 'storageos', vs.validateStorageOSPersistent], ['csi', 'csi', vs.validateCSIPersistent],
];
export const PV_SOURCE_KEYS = PV_SOURCES.map(([k]) => k);
const SOURCE_INDEX = new Map(PV_SOURCE_KEYS.map((k, i) => [k, i]));

/**
 * The indexes in PV_SOURCES of the sources a spec sets, in upstream's check order. Found from
 * the spec's own few members rather than by probing it for all 22 source names.
 */
function setSources(spec: Src | undefined): number[] {
  const found: number[] = [];
  if (!spec) return found;
  for (const k of Object.keys(spec)) {
    const i = SOURCE_INDEX.get(k);
    if (i !== undefined && spec[k] !== undefined && spec[k] !== null) found.push(i);
  }
  return found.length > 1 ? found.sort((a, b) => a - b) : found;
}

function validateVolumeSources(spec: Src, pvName: string, path: string, nodeAffinitySet: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const i of setSources(spec)) {
    const [k, sub, check] = PV_SOURCES[i];
    const s = spec[k];
    // flexVolume never reports "more than one": upstream counts it without checking.
    if (n > 0 && k !== 'flexVolume') {
      errs.push(field.forbidden(child(path, k === 'cephfs' ? 'cephFS' : k), MAY_NOT_MORE_THAN_ONE_VOLUME));
      continue;
    }
    n++;
    errs.push(...check(s, child(path, sub), pvName));
    if (k === 'local' && !nodeAffinitySet) errs.push(field.required(child(path, 'nodeAffinity'), 'Local volume requires node affinity'));
  }
  if (n === 0) errs.push(field.required(path, 'must specify a volume type'));
  return errs;
}

export function validatePersistentVolumeSpec(spec: PersistentVolumeSpec, pvName: string, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  const modes = spec.accessModes ?? [];
  if (!modes.length) errs.push(field.required(child(path, 'accessModes'), ''));
  errs.push(...validateAccessModes(modes, child(path, 'accessModes')));
  const capacity = (spec.capacity ?? {}) as Record<string, string>;
  const capPath = child(path, 'capacity');
  const names = Object.keys(capacity);
  if (!names.length) errs.push(field.required(capPath, ''));
  if (!('storage' in capacity) || names.length > 1) {
    const shown = names.length ? capacity : null;
    errs.push(field.notSupported(capPath, shown, ['storage']));
  }
  for (const name of names) {
    const p = key(capPath, name);
    const q = quantityAt(capacity[name], p, errs);
    if (q) {
      for (const e of validateBasicResource(q, p)) errs.push(e);
      for (const e of validatePositiveQuantityValue(q, p)) errs.push(e);
    }
  }
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy && !RECLAIM_POLICIES.includes(policy)) errs.push(field.notSupported(child(path, 'persistentVolumeReclaimPolicy'), policy, RECLAIM_POLICIES));
  let nodeAffinitySet = false;
  if (spec.nodeAffinity) {
    nodeAffinitySet = true;
    const np = child(path, 'nodeAffinity');
    if (spec.nodeAffinity.required) errs.push(...validateNodeSelector(spec.nodeAffinity.required, false, child(np, 'required')));
    else errs.push(field.required(child(np, 'required'), 'must specify required node constraints'));
  }
  for (const e of validateVolumeSources(spec as Src, pvName, path, nodeAffinitySet)) errs.push(e);
  const hp = spec.hostPath?.path;
  if (policy === 'Recycle' && hp && normalizePath(hp) === '/') {
    errs.push(field.forbidden(child(path, 'persistentVolumeReclaimPolicy'), "may not be 'recycle' for a hostPath mount of '/'"));
  }
  if (spec.storageClassName) {
    errs.push(...nameIsDNSSubdomain(spec.storageClassName, false).map((m) => field.invalid(child(path, 'storageClassName'), spec.storageClassName, m)));
  }
  if (spec.volumeMode != null && !VOLUME_MODES.includes(spec.volumeMode)) {
    errs.push(field.notSupported(child(path, 'volumeMode'), spec.volumeMode, VOLUME_MODES));
  }
  return errs;
}

function normalizePath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') parts.pop(); else parts.push(seg);
  }
  return p.startsWith('/') ? `/${parts.join('/')}` : parts.join('/') || '.';
}

const META_OPTIONS = { namespaced: false, nameValidator: nameIsDNSSubdomain } as const;

export function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  const errs = validateObjectMeta(pv.metadata, META_OPTIONS);
  const spec = validatePersistentVolumeSpec(pv.spec ?? {}, pv.metadata?.name ?? '');
  return spec.length ? errs.concat(spec) : errs;
}

// Beta topology labels may be rewritten to their GA names in an otherwise immutable nodeAffinity.
const BETA_TO_GA: Record<string, string> = {
  'failure-domain.beta.kubernetes.io/zone': 'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region': 'topology.kubernetes.io/region',
  'beta.kubernetes.io/os': 'kubernetes.io/os',
  'beta.kubernetes.io/arch': 'kubernetes.io/arch',
  'beta.kubernetes.io/instance-type': 'node.kubernetes.io/instance-type',
};

function gaAffinity(next: VolumeNodeAffinity | undefined, prev: VolumeNodeAffinity | undefined): VolumeNodeAffinity | undefined {
  if (!prev?.required || !next?.required) return prev;
  // Copy only when some beta key is renamed; otherwise prev is the answer (and may be frozen).
  const renamed = prev.required.nodeSelectorTerms.some((t, i) => (t.matchExpressions ?? []).some((e, j) => {
    const nk = next.required!.nodeSelectorTerms[i]?.matchExpressions?.[j]?.key;
    return !!nk && BETA_TO_GA[e.key] === nk;
  }));
  if (!renamed) return prev;
  const out = structuredClone(prev);
  out.required!.nodeSelectorTerms.forEach((t, i) => (t.matchExpressions ?? []).forEach((e, j) => {
    const nk = next.required!.nodeSelectorTerms[i]?.matchExpressions?.[j]?.key;
    if (nk && BETA_TO_GA[e.key] === nk) e.key = nk;
  }));
  return out;
}

function sourcesOf(spec: PersistentVolumeSpec | undefined): Src {
  const out: Src = {};
  for (const i of setSources(spec as Src | undefined)) out[PV_SOURCE_KEYS[i]] = (spec as Src)[PV_SOURCE_KEYS[i]];
  return out;
}

export function validatePersistentVolumeUpdate(next: PersistentVolume, prev: PersistentVolume): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, prev.metadata);
  for (const e of validatePersistentVolume(next)) errs.push(e);
  const ns = sourcesOf(next.spec);
  const ps = sourcesOf(prev.spec);
  // A CSI controllerExpandSecretRef may be added to an existing volume.
  if (ps.csi && !ps.csi.controllerExpandSecretRef && ns.csi?.controllerExpandSecretRef) {
    ns.csi = { ...ns.csi };
    delete ns.csi.controllerExpandSecretRef;
  }
  if (!semanticEqual(ns, ps)) {
    errs.push(field.forbidden('spec.persistentvolumesource',
      `spec.persistentvolumesource is immutable after creation\n${specDiff('core.PersistentVolumeSource', ps, ns)}`));
  }
  for (const e of validateImmutable(next.spec?.volumeMode, prev.spec?.volumeMode, 'volumeMode')) errs.push(e);
  const prevAffinity = prev.spec?.nodeAffinity;
  if (prevAffinity && !semanticEqual(next.spec?.nodeAffinity, gaAffinity(next.spec?.nodeAffinity, prevAffinity))) {
    errs.push(field.invalid('nodeAffinity', next.spec?.nodeAffinity ?? null, `${FIELD_IMMUTABLE}, except for updating from beta label to GA`));
  }
  const nvac = (next.spec as Src | undefined)?.volumeAttributesClassName;
  const pvac = (prev.spec as Src | undefined)?.volumeAttributesClassName;
  if (!semanticEqual(nvac, pvac)) {
    errs.push(field.forbidden('spec.volumeAttributesClassName', 'update is forbidden when the VolumeAttributesClass feature gate is disabled'));
  }
  return errs;
}

export { GoValue };
