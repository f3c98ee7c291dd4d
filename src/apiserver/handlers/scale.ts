// The scale subresource (autoscaling/v1 Scale) of StatefulSets.
import { conflict, field, invalid, OPTIMISTIC_LOCK_MESSAGE, type KubeObject } from '../../core/index.js';
import { labelSelectorString } from './selectors.js';
import type { ApiRequest } from '../request.js';
import type { HandlerContext } from './context.js';
import { dryRunParam } from './params.js';
import { patchApplier } from './patch.js';

interface ScaleLike { spec?: { replicas?: number; selector?: unknown }; status?: { replicas?: number } }

export function toScale(obj: KubeObject): KubeObject {
  const o = obj as KubeObject & ScaleLike;
  const m = obj.metadata ?? {};
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: labelSelectorString(o.spec?.selector) },
  };
}

export async function handleGetScale(ctx: HandlerContext, req: ApiRequest): Promise<KubeObject> {
  return toScale(await ctx.registry.get(req.type, req.namespace, req.name!));
}

/** PUT or PATCH of a Scale: the new spec.replicas goes into the owner's spec. */
export async function handleWriteScale(ctx: HandlerContext, req: ApiRequest): Promise<KubeObject> {
  const name = req.name!;
  const updated = await ctx.registry.guaranteedUpdate(req.type, req.namespace, name, (current) => {
    const scale = toScale(current);
    const next = (req.verb === 'patch' ? patchApplier(req)(scale, req.body, req) : req.body) as KubeObject & ScaleLike;
    const rv = next?.metadata?.resourceVersion;
    if (rv && rv !== current.metadata?.resourceVersion) throw conflict(req.type.plural, req.type.group, name, OPTIMISTIC_LOCK_MESSAGE);
    const replicas = next?.spec?.replicas;
    if (replicas === undefined || replicas === null) return current;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', 'autoscaling', name, [field.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
    }
    (current.spec as { replicas?: number }).replicas = replicas;
    return current;
  }, { user: req.user, dryRun: dryRunParam(req.query) }, !(req.body as KubeObject | undefined)?.metadata?.resourceVersion);
  return toScale(updated);
}
