// One sync of a PV (upstream syncVolume, reclaimVolume, deleteVolumeOperation; E3, E26-E30).
// A PV whose claim is gone becomes Released and its reclaim policy runs: Retain keeps it
// (bound to the old uid forever), Delete removes the storage and then the PV — unless an
// out-of-tree provisioner (any name not under kubernetes.io/, such as berth.dev/local-path)
// made it, in which case that provisioner deletes it (E30).
import { isNotFound, PersistentVolumeClaims, PersistentVolumes } from '../../core/index.js';
import {
  ANN_MIGRATED_TO, ANN_PROVISIONED_BY, claimKey, findStaticDeleter, volumeModeMismatch,
  type PersistentVolumeClaimObject as Claim, type PersistentVolumeObject as Volume, type VolumeDeleter,
} from '../../volumes/index.js';
import { unbindVolume, updateVolumePhase, updateVolumePhaseWithEvent } from './bind.js';
import type { BinderState } from './state.js';

const has = (o: Volume, key: string) => Object.prototype.hasOwnProperty.call(o.metadata?.annotations ?? {}, key);
const releasedOrFailed = (pv: Volume) => pv.status?.phase === 'Released' || pv.status?.phase === 'Failed';

async function liveClaim(b: BinderState, namespace: string | undefined, name: string | undefined): Promise<Claim | undefined> {
  try {
    return await b.client.get<Claim>(PersistentVolumeClaims, { namespace, name: name ?? '' });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export async function syncVolume(b: BinderState, pv: Volume): Promise<void> {
  const ref = pv.spec?.claimRef;
  // Unused, or reserved by a user for a claim that has not bound yet: Available.
  if (!ref || !ref.uid) {
    await updateVolumePhase(b, pv, 'Available');
    return;
  }
  // The claim: our cache first, then (unless already Released) the server, so a PV made by a
  // provisioner or the scheduler is never reclaimed because its claim is not cached yet.
  let claim = b.claims.get(claimKey(ref.namespace, ref.name));
  if (!claim && !releasedOrFailed(pv)) claim = await liveClaim(b, ref.namespace, ref.name);
  if (claim && claim.metadata?.uid !== ref.uid) {
    claim = await liveClaim(b, ref.namespace, ref.name);
    if (claim?.metadata?.uid !== ref.uid) claim = undefined;
  }

  if (!claim) {
    const released = releasedOrFailed(pv) ? pv : await updateVolumePhase(b, pv, 'Released');
    await reclaimVolume(b, released);
    return;
  }
  if (!claim.spec?.volumeName) {
    // The claim side of the binding is not written yet; the claim's own sync finishes it
    // (the claim is queued by this PV's change). A volumeMode mismatch means it never will.
    if (volumeModeMismatch(claim, pv)) {
      b.recorder.event(PersistentVolumes, pv, 'Warning', 'VolumeMismatch',
        `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata?.name ?? ''}" due to incompatible volumeMode.`);
      b.recorder.event(PersistentVolumeClaims, claim, 'Warning', 'VolumeMismatch',
        `Cannot bind PersistentVolume "${pv.metadata?.name ?? ''}" to requested PersistentVolumeClaim due to incompatible volumeMode.`);
    }
    return;
  }
  if (claim.spec.volumeName === pv.metadata?.name) {
    await updateVolumePhase(b, pv, 'Bound');
    return;
  }
  // The claim is bound to another PV (E28).
  if (has(pv, ANN_PROVISIONED_BY) && pv.spec?.persistentVolumeReclaimPolicy === 'Delete') {
    const released = releasedOrFailed(pv) ? pv : await updateVolumePhase(b, pv, 'Released');
    await reclaimVolume(b, released);
    return;
  }
  await unbindVolume(b, pv);
}

async function reclaimVolume(b: BinderState, pv: Volume): Promise<void> {
  if (pv.metadata?.annotations?.[ANN_MIGRATED_TO]) return;
  switch (pv.spec?.persistentVolumeReclaimPolicy) {
    case 'Retain':
      return;
    case 'Delete':
      return deleteVolume(b, pv);
    case 'Recycle':
      // Recycling (deprecated upstream) needs a recycler pod; Berth has no recycler.
      await updateVolumePhaseWithEvent(b, pv, 'Failed', 'Warning', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
      return;
    default:
      await updateVolumePhaseWithEvent(b, pv, 'Failed', 'Warning', 'VolumeUnknownReclaimPolicy', 'Volume has unrecognized PersistentVolumeReclaimPolicy');
  }
}

/** The deleter for a PV, or undefined when an external provisioner deletes it. Throws when none can. */
function findDeleter(pv: Volume): VolumeDeleter | undefined {
  const by = pv.metadata?.annotations?.[ANN_PROVISIONED_BY];
  if (by && by !== 'kubernetes.io/host-path') {
    if (!by.startsWith('kubernetes.io/')) return undefined;
    throw new Error(`no volume plugin matched name: ${by}`);
  }
  if (pv.spec?.csi) return undefined;
  return findStaticDeleter(pv);
}

/** Whether the PV still needs reclaiming: its claim is gone or bound elsewhere. */
function isReleased(b: BinderState, pv: Volume): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref?.uid) return false;
  const claim = b.claims.get(claimKey(ref.namespace, ref.name));
  if (claim && claim.metadata?.uid === ref.uid) return !!claim.spec?.volumeName && claim.spec.volumeName !== pv.metadata?.name;
  return true;
}

async function deleteVolume(b: BinderState, pv: Volume): Promise<void> {
  const name = pv.metadata?.name ?? '';
  let live: Volume;
  try {
    live = await b.client.get<Volume>(PersistentVolumes, { name });
  } catch {
    return; // gone, or unreadable: the next sync decides again
  }
  if (!isReleased(b, live)) return;
  try {
    const deleter = findDeleter(live);
    if (!deleter) return;
    await deleter.delete();
  } catch (e) {
    // Failed, with the reason on the PV; retried on every sync while the claim stays gone.
    await updateVolumePhaseWithEvent(b, b.index.get(name) ?? pv, 'Failed', 'Warning', 'VolumeFailedDelete', (e as Error).message);
    throw e;
  }
  try {
    await b.client.delete(PersistentVolumes, { name });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
