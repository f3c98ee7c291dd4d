// Scheme defaulting for PersistentVolumes (SetDefaults_PersistentVolume + source markers).
import type { PersistentVolume, PersistentVolumeStatus } from 'kubernetes-types/core/v1.js';
import { normalizeResourceList, type ResourceList } from '../../../core/validation/index.js';
import { defaultVolumeSourceFields } from '../pod/defaults.js';

export function defaultPersistentVolume(pv: PersistentVolume): void {
  const spec = (pv.spec ??= {});
  spec.persistentVolumeReclaimPolicy ||= 'Retain';
  spec.volumeMode ??= 'Filesystem';
  normalizeResourceList(spec.capacity as ResourceList | undefined);
  defaultVolumeSourceFields(spec as Record<string, unknown>);
  const status = ((pv as { status?: PersistentVolumeStatus }).status ??= {});
  status.phase ||= 'Pending';
}
