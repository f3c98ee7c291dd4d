// Scheme defaulting for claims and claim specs (also used by StatefulSet volumeClaimTemplates
// and generic ephemeral volumes).
import type { PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeClaimStatus } from 'kubernetes-types/core/v1.js';
import { normalizeResourceList, type ResourceList } from '../../../core/validation/index.js';

export function defaultPersistentVolumeClaimSpec(spec: PersistentVolumeClaimSpec): void {
  spec.volumeMode ??= 'Filesystem';
  normalizeResourceList(spec.resources?.requests as ResourceList | undefined);
  normalizeResourceList(spec.resources?.limits as ResourceList | undefined);
}

export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  defaultPersistentVolumeClaimSpec((pvc.spec ??= {}));
  // Upstream defaults the phase on every decode, so a status write without one stays Pending.
  const status = ((pvc as { status?: PersistentVolumeClaimStatus }).status ??= {});
  status.phase ||= 'Pending';
  normalizeResourceList(status.capacity as ResourceList | undefined);
  normalizeResourceList(status.allocatedResources as ResourceList | undefined);
}
