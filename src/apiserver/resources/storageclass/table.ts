// `kubectl get sc`: the default class is marked `name (default)`; unset policy and binding mode
// print their defaults (Delete, Immediate), AllowVolumeExpansion a boolean.
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, NAME_COLUMN, type Obj } from '../printing.js';

export const IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** storageutil.IsDefaultAnnotation: either annotation set to exactly "true". */
export function isDefaultStorageClass(sc: StorageClass): boolean {
  const a = sc.metadata?.annotations ?? {};
  return a[IS_DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_IS_DEFAULT_CLASS_ANNOTATION] === 'true';
}

export const storageClassTable: TableSpec<Obj<StorageClass>> = {
  columns: [
    NAME_COLUMN,
    column('Provisioner', 'The provisioner that creates volumes of this class.'),
    column('ReclaimPolicy', 'Reclaim policy of the volumes it provisions.'),
    column('VolumeBindingMode', 'When volumes are bound and provisioned.'),
    column('AllowVolumeExpansion', 'Whether claims of this class may grow.'),
    AGE_COLUMN,
  ],
  row(sc, now) {
    const name = sc.metadata?.name ?? '';
    return [
      isDefaultStorageClass(sc) ? `${name} (default)` : name,
      sc.provisioner ?? '',
      sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate',
      sc.allowVolumeExpansion ?? false,
      age(sc, now),
    ];
  },
};
