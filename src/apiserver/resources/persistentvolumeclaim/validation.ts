// PersistentVolumeClaim validation (upstream ValidatePersistentVolumeClaim*, Kubernetes 1.33
// gates: RecoverVolumeExpansionFailure on, VolumeAttributesClass off) and the resize admission.
import type { PersistentVolumeClaim, PersistentVolumeClaimSpec } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { ApiError, field, forbidden, type FieldError } from '../../../core/index.js';
import { tryParseQuantity } from '../../../core/index.js';
import {
  FIELD_IMMUTABLE, isQualifiedName, key, nameIsDNSSubdomain, quantityAt, semanticEqual, specDiff, validateBasicResource,
  validateImmutable, validateObjectMeta, validateObjectMetaUpdate, validatePersistentVolumeClaimSpec, validateResourceQuantityValue,
} from '../../../core/validation/index.js';

export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const RESIZE_STATUSES = ['ControllerResizeInProgress', 'ControllerResizeInfeasible', 'NodeResizeInProgress',
  'NodeResizeInfeasible', 'NodeResizePending'];

type Rec = Record<string, any>;

const META_OPTIONS = { namespaced: true, nameValidator: nameIsDNSSubdomain } as const;

export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): FieldError[] {
  const errs = validateObjectMeta(pvc.metadata, META_OPTIONS);
  const spec = validatePersistentVolumeClaimSpec(pvc.spec ?? {}, 'spec');
  return spec.length ? errs.concat(spec) : errs;
}

const storageOf = (spec: PersistentVolumeClaimSpec | undefined) => tryParseQuantity((spec?.resources?.requests as Rec | undefined)?.storage);

export function validatePersistentVolumeClaimUpdate(next: PersistentVolumeClaim, prev: PersistentVolumeClaim): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, prev.metadata);
  for (const e of validatePersistentVolumeClaim(next)) errs.push(e);
  // Shallow copies: only top-level members and resources.requests.storage are replaced below,
  // and those copy-on-write (the specs may be shared, frozen objects).
  const ns: Rec = { ...next.spec };
  const ps: Rec = { ...prev.spec };
  // The binder sets volumeName once.
  if (!prev.spec?.volumeName) ps.volumeName = ns.volumeName;
  const oldAnn = prev.metadata?.annotations ?? {};
  const newAnn = next.metadata?.annotations ?? {};
  const oldBeta = oldAnn[BETA_STORAGE_CLASS_ANNOTATION];
  const oldHasBeta = BETA_STORAGE_CLASS_ANNOTATION in oldAnn;
  const newSc = next.spec?.storageClassName;
  const oldSc = prev.spec?.storageClassName;
  const upgradeFromAnnotation = oldHasBeta && oldSc == null && newSc != null && newSc === oldBeta
    && (!(BETA_STORAGE_CLASS_ANNOTATION in newAnn) || newAnn[BETA_STORAGE_CLASS_ANNOTATION] === oldBeta);
  if (upgradeFromAnnotation) delete ns.storageClassName;
  else {
    const nb = newAnn[BETA_STORAGE_CLASS_ANNOTATION] ?? '';
    if (nb !== (oldBeta ?? '')) errs.push(field.invalid(`metadata.annotations.${BETA_STORAGE_CLASS_ANNOTATION}`, nb, FIELD_IMMUTABLE));
    // storageClassName may be set once, from nil (retroactive default class assignment).
    if (newSc != null && oldSc == null && (!oldHasBeta || newSc === oldBeta)) ns.storageClassName = ps.storageClassName;
  }
  // Requests (and the attributes class) may change only on a bound claim.
  const bound = next.status?.phase === 'Bound';
  if (bound && ns.resources?.requests) {
    ns.resources = { ...ns.resources, requests: { ...ns.resources.requests, storage: (prev.spec?.resources?.requests as Rec | undefined)?.storage } };
  }
  if (bound && ns.volumeAttributesClassName != null) ns.volumeAttributesClassName = ps.volumeAttributesClassName;
  if (!semanticEqual(ns, ps)) {
    errs.push(field.forbidden('spec',
      `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff('core.PersistentVolumeClaimSpec', ps, ns)}`));
  }
  const newSize = storageOf(next.spec);
  const oldSize = storageOf(prev.spec);
  if (newSize && oldSize && newSize.cmp(oldSize) < 0) {
    // RecoverVolumeExpansionFailure: shrinking is allowed down to (not including) status.capacity.
    const statusSize = tryParseQuantity((prev.status?.capacity as Rec | undefined)?.storage);
    if (!statusSize || newSize.cmp(statusSize) <= 0) {
      errs.push(field.forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
    }
  }
  errs.push(...validateImmutable(next.spec?.volumeMode, prev.spec?.volumeMode, 'volumeMode'));
  if (!semanticEqual((next.spec as Rec | undefined)?.volumeAttributesClassName, (prev.spec as Rec | undefined)?.volumeAttributesClassName)) {
    errs.push(field.forbidden('spec.volumeAttributesClassName', 'update is forbidden when the VolumeAttributesClass feature gate is disabled'));
  }
  return errs;
}

function validateClaimResourceKey(k: string, path: string): FieldError[] {
  const errs = isQualifiedName(k).map((m) => field.invalid(path, k, m));
  if (errs.length) return errs;
  const native = !k.includes('/') || k.includes('kubernetes.io/');
  return native && k !== 'storage' ? [field.notSupported(path, k, ['storage'])] : [];
}

export function validatePersistentVolumeClaimStatusUpdate(next: PersistentVolumeClaim, prev: PersistentVolumeClaim): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, prev.metadata);
  if (!(next.spec?.accessModes ?? []).length) errs.push(field.required('Spec.accessModes', ''));
  for (const [k, raw] of Object.entries((next.status?.capacity ?? {}) as Rec)) {
    const q = quantityAt(raw, key('status.capacity', k), errs);
    if (q) errs.push(...validateBasicResource(q, key('status.capacity', k)));
  }
  const statusRec = (next.status ?? {}) as Rec;
  for (const [k, v] of Object.entries((statusRec.allocatedResourceStatuses ?? {}) as Rec)) {
    errs.push(...validateClaimResourceKey(k, 'status.allocatedResourceStatus'));
    if (!RESIZE_STATUSES.includes(v)) errs.push(field.notSupported('status.allocatedResourceStatus', k, RESIZE_STATUSES));
  }
  for (const [k, raw] of Object.entries((statusRec.allocatedResources ?? {}) as Rec)) {
    const keyErrs = validateClaimResourceKey(k, 'status.allocatedResources');
    if (keyErrs.length) { errs.push(...keyErrs); continue; }
    const p = key('status.allocatedResources', k);
    const q = quantityAt(raw, p, errs);
    if (!q) continue;
    const basic = validateBasicResource(q, p);
    errs.push(...(basic.length ? basic : validateResourceQuantityValue('storage', q, p)));
  }
  return errs;
}

/** The class a claim asks for: the beta annotation wins over spec.storageClassName. */
export function claimClass(pvc: PersistentVolumeClaim): string {
  const ann = pvc.metadata?.annotations ?? {};
  return BETA_STORAGE_CLASS_ANNOTATION in ann ? ann[BETA_STORAGE_CLASS_ANNOTATION] : pvc.spec?.storageClassName ?? '';
}

/**
 * PersistentVolumeClaimResize admission (I20): growing a bound claim needs an unchanged class
 * that allows expansion. `storageClass` is the class named by the claim, if it exists.
 */
export function checkPvcResize(next: PersistentVolumeClaim, prev: PersistentVolumeClaim, storageClass: StorageClass | undefined): ApiError | undefined {
  const newSize = storageOf(next.spec);
  const oldSize = storageOf(prev.spec);
  if (!newSize || !oldSize || newSize.cmp(oldSize) <= 0) return undefined;
  const name = next.metadata?.name ?? '';
  if (prev.status?.phase !== 'Bound') return forbidden('persistentvolumeclaims', '', name, 'Only bound persistent volume claims can be expanded');
  const cls = claimClass(next);
  const allowed = cls !== '' && cls === claimClass(prev) && storageClass?.metadata?.name === cls && storageClass.allowVolumeExpansion === true;
  if (!allowed) {
    return forbidden('persistentvolumeclaims', '', name,
      'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
  }
  return undefined;
}
