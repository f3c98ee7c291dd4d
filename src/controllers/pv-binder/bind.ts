// The binder's writes (upstream bind, bindVolumeToClaim, bindClaimToVolume, updateClaimStatus,
// updateVolumePhase, unbindVolume). Each step writes only when something changes and records
// what the server returned in the binder's cache, so the next step and the next sync build on
// it. bind() is four steps in upstream's order (E15): PV spec, PV status, claim spec, claim
// status; a failure anywhere leaves a state the next sync completes (E16).
import { PersistentVolumeClaims, PersistentVolumes, Quantity, tryParseQuantity } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import {
  ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, isVolumeBoundToClaim, type EventRecorder, type EventType,
  type PersistentVolumeClaimObject as Claim, type PersistentVolumeObject as Volume, copyForWrite,
} from '../../volumes/index.js';
import type { AssumeCache } from './assume-cache.js';

export interface BinderContext {
  readonly client: ApiClient;
  readonly volumes: AssumeCache<Volume>;
  readonly claims: AssumeCache<Claim>;
  readonly recorder: EventRecorder;
}

export type VolumePhase = 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';
export type ClaimPhase = 'Pending' | 'Bound' | 'Lost';

const annotate = (o: Volume | Claim, key: string) => { (o.metadata ??= {}).annotations = { ...o.metadata.annotations, [key]: 'yes' }; };
const hasAnnotation = (o: Volume | Claim, key: string) => Object.prototype.hasOwnProperty.call(o.metadata?.annotations ?? {}, key);

export function claimRefFor(claim: Claim): NonNullable<NonNullable<Volume['spec']>['claimRef']> {
  return {
    kind: 'PersistentVolumeClaim', namespace: claim.metadata?.namespace, name: claim.metadata?.name,
    uid: claim.metadata?.uid, apiVersion: 'v1', resourceVersion: claim.metadata?.resourceVersion,
  };
}

export async function updateVolumePhase(ctx: BinderContext, pv: Volume, phase: VolumePhase, message = ''): Promise<Volume> {
  if (pv.status?.phase === phase) return pv;
  const next = copyForWrite(pv);
  next.status = { ...next.status, phase };
  if (message) next.status.message = message; else delete next.status.message;
  const saved = await ctx.client.updateStatus<Volume>(PersistentVolumes, next);
  ctx.volumes.assume(saved);
  return saved;
}

/** Writes the phase and, only when the phase really changes, the event. */
export async function updateVolumePhaseWithEvent(ctx: BinderContext, pv: Volume, phase: VolumePhase, type: EventType,
  reason: string, message: string): Promise<Volume> {
  if (pv.status?.phase === phase) return pv;
  const saved = await updateVolumePhase(ctx, pv, phase, message);
  ctx.recorder.event(PersistentVolumes, saved, type, reason, message);
  return saved;
}

export async function bindVolumeToClaim(ctx: BinderContext, pv: Volume, claim: Claim): Promise<Volume> {
  const next = copyForWrite(pv);
  let dirty = false;
  const preBound = isVolumeBoundToClaim(pv, claim);
  const ref = pv.spec?.claimRef;
  if (!ref || ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace || ref.uid !== claim.metadata?.uid) {
    (next.spec ??= {}).claimRef = claimRefFor(claim);
    dirty = true;
  }
  if (!preBound && !hasAnnotation(next, ANN_BOUND_BY_CONTROLLER)) {
    annotate(next, ANN_BOUND_BY_CONTROLLER);
    dirty = true;
  }
  if (!dirty) return pv;
  const saved = await ctx.client.update<Volume>(PersistentVolumes, next);
  ctx.volumes.assume(saved);
  return saved;
}

export async function bindClaimToVolume(ctx: BinderContext, claim: Claim, pv: Volume): Promise<Claim> {
  const next = copyForWrite(claim);
  let dirty = false;
  const name = pv.metadata?.name ?? '';
  if (claim.spec?.volumeName !== name) {
    (next.spec ??= {}).volumeName = name;
    if (!hasAnnotation(next, ANN_BOUND_BY_CONTROLLER)) annotate(next, ANN_BOUND_BY_CONTROLLER);
    dirty = true;
  }
  if (!hasAnnotation(next, ANN_BIND_COMPLETED)) {
    annotate(next, ANN_BIND_COMPLETED);
    dirty = true;
  }
  if (!dirty) return claim;
  const saved = await ctx.client.update<Claim>(PersistentVolumeClaims, next);
  ctx.claims.assume(saved);
  return saved;
}

const sameModes = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a?.length ?? -1) === (b?.length ?? -1) && (a ?? []).every((m, i) => m === b![i]);

/** Phase, and access modes and capacity from the volume (capacity only on becoming Bound, E15). */
export async function updateClaimStatus(ctx: BinderContext, claim: Claim, phase: ClaimPhase, pv?: Volume): Promise<Claim> {
  const next = copyForWrite(claim);
  const status = (next.status ??= {});
  let dirty = false;
  if (claim.status?.phase !== phase) { status.phase = phase; dirty = true; }
  if (!pv) {
    if (status.accessModes) { delete status.accessModes; dirty = true; }
    if (status.capacity) { delete status.capacity; dirty = true; }
  } else {
    if (!sameModes(claim.status?.accessModes, pv.spec?.accessModes)) { status.accessModes = pv.spec?.accessModes; dirty = true; }
    if (claim.status?.phase !== phase) {
      const volumeCap = tryParseQuantity((pv.spec?.capacity as Record<string, unknown> | undefined)?.storage);
      if (!volumeCap) throw new Error(`PersistentVolume "${pv.metadata?.name ?? ''}" is without a storage capacity`);
      const claimCap = tryParseQuantity((claim.status?.capacity as Record<string, unknown> | undefined)?.storage);
      if (!claimCap || !(claimCap as Quantity).equals(volumeCap)) { status.capacity = pv.spec?.capacity; dirty = true; }
    }
  }
  if (!dirty) return claim;
  const saved = await ctx.client.updateStatus<Claim>(PersistentVolumeClaims, next);
  ctx.claims.assume(saved);
  return saved;
}

/** Writes the phase and, only when the phase really changes, the event. */
export async function updateClaimStatusWithEvent(ctx: BinderContext, claim: Claim, phase: ClaimPhase, type: EventType,
  reason: string, message: string): Promise<Claim> {
  if (claim.status?.phase === phase) return claim;
  const saved = await updateClaimStatus(ctx, claim, phase);
  ctx.recorder.event(PersistentVolumeClaims, saved, type, reason, message);
  return saved;
}

export async function bind(ctx: BinderContext, pv: Volume, claim: Claim): Promise<void> {
  let volume = await bindVolumeToClaim(ctx, pv, claim);
  volume = await updateVolumePhase(ctx, volume, 'Bound');
  const bound = await bindClaimToVolume(ctx, claim, volume);
  await updateClaimStatus(ctx, bound, 'Bound', volume);
}

/** Rolls a binding back (E28 b/c): a controller's binding goes; a user's pre-binding keeps its name. */
export async function unbindVolume(ctx: BinderContext, pv: Volume): Promise<void> {
  const next = copyForWrite(pv);
  if (hasAnnotation(pv, ANN_BOUND_BY_CONTROLLER)) {
    delete next.spec!.claimRef;
    const annotations = { ...next.metadata!.annotations };
    delete annotations[ANN_BOUND_BY_CONTROLLER];
    if (Object.keys(annotations).length) next.metadata!.annotations = annotations; else delete next.metadata!.annotations;
  } else {
    next.spec!.claimRef = { ...next.spec!.claimRef, uid: '' };
    delete next.spec!.claimRef.uid;
  }
  const saved = await ctx.client.update<Volume>(PersistentVolumes, next);
  ctx.volumes.assume(saved);
  await updateVolumePhase(ctx, saved, 'Available');
}
