// One sync of a claim (upstream syncClaim / syncUnboundClaim / syncBoundClaim, E4-E25).
// The bind-completed annotation, not the phase, says whether the claim is past binding.
import { PersistentVolumeClaims } from '../../core/index.js';
import type { Result } from '../../controller-runtime/index.js';
import {
  ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, accessModesSatisfied, claimClass, isVolumeBoundToClaim,
  keyOfClaim, requestedStorage, volumeCapacity, volumeClass, volumeModeMismatch,
  type PersistentVolumeClaimObject as Claim, type PersistentVolumeObject as Volume,
} from '../../volumes/index.js';
import { bind, updateClaimStatus, updateClaimStatusWithEvent } from './bind.js';
import { findBestMatch } from './match.js';
import { assignDefaultClass, bindForScheduledConsumer, emitDelayBindingEvent, isDelayBinding, provisionClaim } from './provisioning.js';
import { RESYNC_MS, type BinderState } from './state.js';
import { isCandidate } from './volume-index.js';

const has = (o: Claim, key: string) => Object.prototype.hasOwnProperty.call(o.metadata?.annotations ?? {}, key);

export async function syncClaim(b: BinderState, claim: Claim): Promise<Result> {
  if (!has(claim, ANN_BIND_COMPLETED)) return syncUnboundClaim(b, claim);
  await syncBoundClaim(b, claim);
  return {};
}

/** Why a claim asking for a volume by name cannot have it (E19); undefined when it can. */
function volumeMismatch(pv: Volume, claim: Claim): string | undefined {
  if (pv.metadata?.deletionTimestamp) return `the volume is marked for deletion "${pv.metadata.name}"`;
  if (volumeCapacity(pv).value() < requestedStorage(claim).value()) return 'requested PV is too small';
  if (volumeClass(pv) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(claim, pv)) return 'incompatible volumeMode';
  if (!accessModesSatisfied(claim, pv)) return 'incompatible accessMode';
  return undefined;
}

async function bindPicked(b: BinderState, pv: Volume, claim: Claim): Promise<void> {
  // Concurrent syncs of other claims must not pick the same PV while this bind is in flight.
  const name = pv.metadata?.name ?? '';
  const reserve = isCandidate(pv);
  if (reserve) b.index.reserve(name);
  try {
    await bind(b, pv, claim);
  } finally {
    if (reserve) b.index.release(name);
  }
}

async function syncUnboundClaim(b: BinderState, claim: Claim): Promise<Result> {
  b.waiting.remove(keyOfClaim(claim));
  const volumeName = claim.spec?.volumeName;
  if (!volumeName) {
    const delay = isDelayBinding(b, claim);
    const pv = findBestMatch(b.index, claim, delay);
    if (pv) {
      await bindPicked(b, pv, claim);
      return {};
    }
    if (await assignDefaultClass(b, claim)) return {};
    if (delay && !has(claim, ANN_SELECTED_NODE)) {
      if (await bindForScheduledConsumer(b, claim)) return {};
      emitDelayBindingEvent(b, claim);
    } else if (claimClass(claim) !== '') {
      b.waiting.add(claim);
      await provisionClaim(b, claim);
      return { requeueAfterMs: RESYNC_MS };
    } else {
      b.recorder.event(PersistentVolumeClaims, claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
    }
    if (!delay) b.waiting.add(claim);
    await updateClaimStatus(b, claim, 'Pending');
    return { requeueAfterMs: RESYNC_MS };
  }

  // The user asked for a specific PV (E18-E22).
  const pv = b.index.get(volumeName);
  if (!pv) {
    await updateClaimStatus(b, claim, 'Pending');
    return { requeueAfterMs: RESYNC_MS };
  }
  if (!pv.spec?.claimRef) {
    const why = volumeMismatch(pv, claim);
    if (why) {
      b.recorder.event(PersistentVolumeClaims, claim, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volumeName}": ${why}`);
      await updateClaimStatus(b, claim, 'Pending');
      return { requeueAfterMs: RESYNC_MS };
    }
    await bindPicked(b, pv, claim);
    return {};
  }
  if (isVolumeBoundToClaim(pv, claim)) {
    await bind(b, pv, claim);
    return {};
  }
  b.recorder.event(PersistentVolumeClaims, claim, 'Warning', 'FailedBinding', `volume "${volumeName}" already bound to a different claim.`);
  if (has(claim, ANN_BOUND_BY_CONTROLLER)) {
    // Someone removed bind-completed from a claim the controller bound: nothing safe to do.
    const ref = pv.spec.claimRef;
    throw new Error(`invalid binding of claim "${keyOfClaim(claim)}" to volume "${volumeName}": volume already claimed by "${ref.namespace ?? ''}/${ref.name ?? ''}"`);
  }
  await updateClaimStatus(b, claim, 'Pending');
  return { requeueAfterMs: RESYNC_MS };
}

async function syncBoundClaim(b: BinderState, claim: Claim): Promise<void> {
  const volumeName = claim.spec?.volumeName;
  if (!volumeName) {
    await updateClaimStatusWithEvent(b, claim, 'Lost', 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
    return;
  }
  const pv = b.index.get(volumeName);
  if (!pv) {
    await updateClaimStatusWithEvent(b, claim, 'Lost', 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    return;
  }
  const ref = pv.spec?.claimRef;
  if (!ref || ref.uid === claim.metadata?.uid) {
    // Unbound volume (or all well): (re)bind; a no-op when everything is already written.
    await bind(b, pv, claim);
    return;
  }
  await updateClaimStatusWithEvent(b, claim, 'Lost', 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
}
