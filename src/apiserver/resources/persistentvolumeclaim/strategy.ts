// PersistentVolumeClaim strategy: phase Pending and the pvc-protection finalizer on create
// (E2, G1), spec immutability rules on update (I17-I19), status writes keep the spec.
// The resize admission (I20) is `checkPvcResize` in validation.ts: it needs the StorageClass.
import type { PersistentVolumeClaim, PersistentVolumeClaimStatus } from 'kubernetes-types/core/v1.js';
import { PersistentVolumeClaims, type KubeObject } from '../../../core/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';
import { defaultPersistentVolumeClaim } from './defaults.js';
import { validatePersistentVolumeClaim, validatePersistentVolumeClaimStatusUpdate, validatePersistentVolumeClaimUpdate } from './validation.js';

export type PersistentVolumeClaimObject = PersistentVolumeClaim & KubeObject;
type Writable = { status?: PersistentVolumeClaimStatus };

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';

export const persistentVolumeClaimStrategy: Omit<ResourceStrategy<PersistentVolumeClaimObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: PersistentVolumeClaims,
  generation: false,
  defaults: (pvc) => defaultPersistentVolumeClaim(pvc),
  prepareForCreate(pvc) {
    (pvc as Writable).status = { phase: 'Pending' };
    // VolumeAttributesClass is off by default in 1.33: the field is dropped.
    delete (pvc.spec as Record<string, unknown> | undefined)?.volumeAttributesClassName;
    // StorageObjectInUseProtection admission.
    const meta = (pvc.metadata ??= {});
    if (!(meta.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER)) meta.finalizers = [...(meta.finalizers ?? []), PVC_PROTECTION_FINALIZER];
  },
  validate: (pvc) => validatePersistentVolumeClaim(pvc),
  prepareForUpdate(next, prev) {
    (next as Writable).status = prev.status;
    if ((prev.spec as Record<string, unknown> | undefined)?.volumeAttributesClassName == null) {
      delete (next.spec as Record<string, unknown> | undefined)?.volumeAttributesClassName;
    }
  },
  validateUpdate: (next, prev) => validatePersistentVolumeClaimUpdate(next, prev),
  prepareForStatusUpdate(next, prev) {
    next.spec = prev.spec;
  },
  validateStatusUpdate: (next, prev) => validatePersistentVolumeClaimStatusUpdate(next, prev),
};
