// DELETE semantics (upstream registry.Store.Delete + BeforeDelete): preconditions, graceful
// deletion, propagation finalizers, and removal once nothing holds the object any more.
import {
  ApiError, badRequest, conflict, jsonCopy, type KubeObject, type ResourceType,
} from '../../core/index.js';
import { rfc3339, sameObject } from './meta.js';
import { hasSpecFinalizers, type Registry, type WriteOptions } from './registry.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteOutcome {
  readonly object: KubeObject;
  /** True when the object is gone from the store; false when it waits (grace, finalizers). */
  readonly deleted: boolean;
}

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

export async function deleteObject(reg: Registry, type: ResourceType, namespace: string | undefined, name: string,
  opts: DeleteOptions, write: WriteOptions): Promise<DeleteOutcome> {
  const policy = propagationPolicy(opts);
  if (opts.gracePeriodSeconds !== undefined && !Number.isInteger(opts.gracePeriodSeconds)) {
    throw badRequest(`gracePeriodSeconds: Invalid value: ${opts.gracePeriodSeconds}: must be an integer`);
  }
  for (let attempt = 0; attempt < 16; attempt++) {
    const current = await reg.get(type, namespace, name);
    checkPreconditions(type, name, current, opts);
    await reg.admitDelete(type, current, write);
    const strategy = reg.strategy(type);
    const now = reg.now();
    const next = jsonCopy(current);
    const meta = (next.metadata ??= {});
    let pending = false;

    const grace = strategy.deleteGracePeriod?.(current, opts.gracePeriodSeconds) ?? 0;
    if (meta.deletionTimestamp) {
      // Already terminating: a shorter grace period may be requested, nothing else changes.
      const currentGrace = meta.deletionGracePeriodSeconds ?? 0;
      if (grace < currentGrace) {
        meta.deletionGracePeriodSeconds = grace;
        meta.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
      }
      pending = (meta.deletionGracePeriodSeconds ?? 0) > 0;
    } else if (grace > 0) {
      meta.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
      meta.deletionGracePeriodSeconds = grace;
      pending = true;
    }

    const finalizers = new Set(meta.finalizers ?? []);
    if (policy === 'Orphan') { finalizers.add(ORPHAN); finalizers.delete(FOREGROUND); }
    if (policy === 'Foreground') { finalizers.add(FOREGROUND); finalizers.delete(ORPHAN); }
    if (policy === 'Background') { finalizers.delete(ORPHAN); finalizers.delete(FOREGROUND); }
    // Propagation finalizers only make sense while something else holds the object or it has dependents.
    if (finalizers.size) meta.finalizers = [...finalizers]; else delete meta.finalizers;
    const blocked = finalizers.size > 0 || hasSpecFinalizers(next);
    if (blocked) {
      if (!meta.deletionTimestamp) {
        meta.deletionTimestamp = rfc3339(now);
        meta.deletionGracePeriodSeconds = 0;
      }
      if (type.kind === 'Namespace') next.status = { ...(next.status as object | undefined), phase: 'Terminating' };
      pending = true;
    }

    if (pending) {
      // A repeated delete of an object already terminating changes nothing: no write, no event.
      if (current.metadata?.deletionTimestamp && sameObject(next, current)) return { object: current, deleted: false };
      if (write.dryRun) return { object: next, deleted: false };
      try {
        const stored = await reg.replaceInternal(type, next, Number(current.metadata?.resourceVersion));
        return { object: stored, deleted: false };
      } catch (e) {
        if (e instanceof ApiError && e.reason === 'Conflict' && !opts.preconditions?.resourceVersion) continue;
        throw e;
      }
    }
    if (write.dryRun) return { object: current, deleted: true };
    try {
      await reg.remove(type, namespace, name, Number(current.metadata?.resourceVersion));
      return { object: current, deleted: true };
    } catch (e) {
      if (e instanceof ApiError && e.reason === 'Conflict' && !opts.preconditions?.resourceVersion) continue;
      throw e;
    }
  }
  throw conflict(type.plural, type.group, name, 'too many concurrent changes, please retry');
}

function propagationPolicy(opts: DeleteOptions): string | undefined {
  const p = opts.propagationPolicy;
  if (p !== undefined && !['Orphan', 'Background', 'Foreground'].includes(p)) {
    throw new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${p}": supported values: "Foreground", "Background", "Orphan"`, {
      kind: 'DeleteOptions', group: 'meta.k8s.io',
      causes: [{ reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${p}": supported values: "Foreground", "Background", "Orphan"` }],
    });
  }
  if (p && opts.orphanDependents !== undefined) {
    throw badRequest('DeleteOptions is invalid: propagationPolicy: Invalid value: "' + p + '": orphanDependents and deletionPropagation cannot be both set');
  }
  if (opts.orphanDependents === true) return 'Orphan';
  if (opts.orphanDependents === false) return 'Background';
  return p;
}

function checkPreconditions(type: ResourceType, name: string, obj: KubeObject, opts: DeleteOptions): void {
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== obj.metadata?.uid) {
    throw conflict(type.plural, type.group, name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata?.uid ?? ''}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata?.resourceVersion) {
    throw conflict(type.plural, type.group, name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata?.resourceVersion ?? ''}`);
  }
}
