// PersistentVolumeClaimResize: a bound claim may grow only when its class allows expansion.
import { PersistentVolumeClaims, StorageClasses } from '../../core/index.js';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { checkPvcResize, claimClass } from '../resources/persistentvolumeclaim/index.js';
import type { AdmissionPlugin } from './types.js';

export const pvcResize: AdmissionPlugin = {
  name: 'PersistentVolumeClaimResize',
  async validate(a) {
    if (a.type !== PersistentVolumeClaims || a.operation !== 'UPDATE' || a.subresource || !a.object || !a.oldObject) return;
    const next = a.object as unknown as PersistentVolumeClaim;
    const cls = claimClass(next);
    const sc = cls ? (await a.reader.get(StorageClasses, undefined, cls)) as unknown as StorageClass | undefined : undefined;
    const err = checkPvcResize(next, a.oldObject as unknown as PersistentVolumeClaim, sc);
    if (err) throw err;
  },
};
