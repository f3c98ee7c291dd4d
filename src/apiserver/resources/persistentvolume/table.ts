// `kubectl get pv`: NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS
// VOLUMEATTRIBUTESCLASS REASON AGE (+ VOLUMEMODE wide).
import type { PersistentVolume } from 'kubernetes-types/core/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { accessModes, age, AGE_COLUMN, column, NAME_COLUMN, type Obj, quantity, storageClassOf } from '../printing.js';

export const persistentVolumeTable: TableSpec<Obj<PersistentVolume>> = {
  columns: [
    NAME_COLUMN,
    column('Capacity', 'Storage the volume provides.'),
    column('Access Modes', 'Ways the volume can be mounted.'),
    column('Reclaim Policy', 'What happens to the volume once its claim is released.'),
    column('Status', 'The phase of the volume (Available, Bound, Released, Failed), or Terminating.'),
    column('Claim', 'The claim bound to the volume, as namespace/name.'),
    column('StorageClass', 'StorageClass of the volume.'),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the volume.'),
    column('Reason', 'Why the volume is in its phase, if failed.'),
    AGE_COLUMN,
    column('VolumeMode', 'Filesystem or Block.', { wide: true }),
  ],
  row(pv, now) {
    const spec = pv.spec, ref = spec?.claimRef;
    return [
      pv.metadata?.name ?? '',
      quantity(spec?.capacity?.['storage']),
      accessModes(spec?.accessModes),
      spec?.persistentVolumeReclaimPolicy ?? '',
      pv.metadata?.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? ''),
      ref ? `${ref.namespace ?? ''}/${ref.name ?? ''}` : '',
      storageClassOf(pv),
      spec?.volumeAttributesClassName ?? '<unset>',
      pv.status?.reason ?? '',
      age(pv, now),
      spec?.volumeMode ?? '<unset>',
    ];
  },
};
