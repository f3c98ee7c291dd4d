// StorageClass strategy: reclaimPolicy Delete and volumeBindingMode Immediate by default (F2).
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { StorageClasses, type KubeObject } from '../../../core/index.js';
import { validateObjectMetaUpdate } from '../../../core/validation/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';
import { validateStorageClass, validateStorageClassUpdate } from './validation.js';

export type StorageClassObject = StorageClass & KubeObject;

export const storageClassStrategy: Omit<ResourceStrategy<StorageClassObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: StorageClasses,
  generation: false,
  defaults(sc) {
    sc.reclaimPolicy ??= 'Delete';
    sc.volumeBindingMode ??= 'Immediate';
  },
  prepareForCreate() {},
  validate: (sc) => validateStorageClass(sc),
  prepareForUpdate() {},
  validateUpdate: (next, prev) => validateStorageClassUpdate(next, prev),
  // No status subresource: a status write can only touch metadata.
  prepareForStatusUpdate(next, prev) {
    for (const k of Object.keys(next)) if (k !== 'metadata') delete next[k];
    Object.assign(next, { ...prev, metadata: next.metadata });
  },
  validateStatusUpdate: (next, prev) => validateObjectMetaUpdate(next.metadata, prev.metadata),
};
