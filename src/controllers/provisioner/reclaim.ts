// Deleting the storage of a provisioned PV whose reclaim policy is Delete (E29/E30: the binder
// leaves out-of-tree volumes to their provisioner). The storage goes when the binder has
// released the PV (phase Released or Failed), or when the PV object itself is being deleted
// and no longer Bound; then the PV object is deleted and the provisioner's finalizer removed.
// A failure marks the PV Failed with the reason and a VolumeFailedDelete event, and retries.
// A PV switched to Retain loses the finalizer, so its object can be deleted without its data.
import { isConflict, isNotFound, PersistentVolumes } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import {
  PV_DELETION_PROTECTION_FINALIZER, type EventRecorder, type PersistentVolumeObject as Volume, type Provisioner, copyForWrite,
} from '../../volumes/index.js';

const hasFinalizer = (pv: Volume) => (pv.metadata?.finalizers ?? []).includes(PV_DELETION_PROTECTION_FINALIZER);

function shouldDelete(pv: Volume): boolean {
  if (pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return false;
  const phase = pv.status?.phase;
  return phase === 'Released' || phase === 'Failed' || (!!pv.metadata?.deletionTimestamp && phase !== 'Bound');
}

async function removeFinalizer(client: ApiClient, name: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let live: Volume;
    try {
      live = await client.get<Volume>(PersistentVolumes, { name });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (!hasFinalizer(live)) return;
    const next = copyForWrite(live);
    next.metadata!.finalizers = live.metadata!.finalizers!.filter((f) => f !== PV_DELETION_PROTECTION_FINALIZER);
    try {
      await client.update(PersistentVolumes, next);
      return;
    } catch (e) {
      if (isNotFound(e)) return;
      if (!isConflict(e)) throw e;
    }
  }
  throw new Error(`could not remove finalizer ${PV_DELETION_PROTECTION_FINALIZER} from PersistentVolume "${name}": too many conflicts`);
}

async function markFailed(client: ApiClient, pv: Volume, message: string): Promise<void> {
  if (pv.status?.phase === 'Failed' && pv.status.message === message) return;
  const next = copyForWrite(pv);
  next.status = { ...next.status, phase: 'Failed', message };
  await client.updateStatus(PersistentVolumes, next).catch(() => {});
}

export async function reclaimVolume(client: ApiClient, provisioner: Provisioner, recorder: EventRecorder, cached: Volume): Promise<void> {
  const name = cached.metadata?.name ?? '';
  if (cached.spec?.persistentVolumeReclaimPolicy !== 'Delete') {
    if (hasFinalizer(cached)) await removeFinalizer(client, name);
    return;
  }
  if (!shouldDelete(cached)) return;
  // Decide on the server's copy: the cache may be behind a rebinding.
  let pv: Volume;
  try {
    pv = await client.get<Volume>(PersistentVolumes, { name });
  } catch (e) {
    if (isNotFound(e)) return;
    throw e;
  }
  if (!shouldDelete(pv) || !provisioner.owns(pv)) return;
  try {
    await provisioner.delete(pv);
  } catch (e) {
    const message = (e as Error).message;
    recorder.event(PersistentVolumes, pv, 'Warning', 'VolumeFailedDelete', message);
    await markFailed(client, pv, message);
    throw e;
  }
  if (!pv.metadata?.deletionTimestamp) {
    try {
      await client.delete(PersistentVolumes, { name }, { preconditions: { uid: pv.metadata?.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  await removeFinalizer(client, name);
}
