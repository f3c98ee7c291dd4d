import { ApiError, conflict, OPTIMISTIC_LOCK_MESSAGE, type KubeObject } from '../../core/index.js';
import { applyJsonPatch, applyMergePatch } from '../patch/index.js';
import type { ApiRequest } from '../request.js';
import type { HandlerContext } from './context.js';
import { dryRunParam, fieldValidationParam } from './params.js';
import { checkTypeMeta } from './typemeta.js';

/** Applies a parsed patch body of the given type to an object (JSON values in, JSON out). */
export type PatchApplier = (current: KubeObject, patch: unknown, req: ApiRequest) => unknown;

export function patchApplier(req: ApiRequest): PatchApplier {
  switch (req.patchType) {
    case 'merge': return (cur, p) => applyMergePatch(cur, p);
    case 'json': return (cur, p) => applyJsonPatch(cur, p);
    default:
      throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json`);
  }
}

export async function handlePatch(ctx: HandlerContext, req: ApiRequest, apply?: PatchApplier): Promise<KubeObject> {
  const applier = apply ?? patchApplier(req);
  const mode = fieldValidationParam(req.query);
  const name = req.name!;
  return ctx.registry.guaranteedUpdate(req.type, req.namespace, name, (current) => {
    const patched = applier(current, req.body, req) as KubeObject;
    const wanted = patched?.metadata?.resourceVersion;
    if (wanted && wanted !== current.metadata?.resourceVersion) {
      throw conflict(req.type.plural, req.type.group, name, OPTIMISTIC_LOCK_MESSAGE);
    }
    const warnings: string[] = [];
    const obj = ctx.decoder.decode(req.type, patched, mode, warnings);
    for (const w of warnings) if (!req.warnings.includes(w)) req.warnings.push(w);
    checkTypeMeta(req.type, obj);
    return obj;
  }, { user: req.user, dryRun: dryRunParam(req.query), fieldManager: req.query.fieldManager, subresource: req.subresource });
}
