// `kubectl get pvc`: NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE
// (+ VOLUMEMODE wide). Capacity and modes come from status, and only once a volume is bound.
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { accessModes, age, AGE_COLUMN, column, NAME_COLUMN, type Obj, quantity, storageClassOf } from '../printing.js';

export const persistentVolumeClaimTable: TableSpec<Obj<PersistentVolumeClaim>> = {
  columns: [
    NAME_COLUMN,
    column('Status', 'The phase of the claim (Pending, Bound, Lost), or Terminating.'),
    column('Volume', 'The volume bound to the claim.'),
    column('Capacity', 'Storage the bound volume provides.'),
    column('Access Modes', 'Access modes the bound volume provides.'),
    column('StorageClass', 'StorageClass of the claim.'),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the claim.'),
    AGE_COLUMN,
    column('VolumeMode', 'Filesystem or Block.', { wide: true }),
  ],
  row(pvc, now) {
    const spec = pvc.spec, status = pvc.status;
    const phase = pvc.metadata?.deletionTimestamp ? 'Terminating' : (status?.phase ?? '');
    const volumeName = spec?.volumeName ?? '';
    const bound = volumeName !== '';
    return [
      pvc.metadata?.name ?? '', phase, volumeName,
      bound ? quantity(status?.capacity?.['storage']) : '',
      bound ? accessModes(status?.accessModes) : '',
      storageClassOf(pvc),
      spec?.volumeAttributesClassName ?? '<unset>',
      age(pvc, now),
      spec?.volumeMode ?? '<unset>',
    ];
  },
};
