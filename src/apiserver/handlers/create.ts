import { badRequest, type KubeObject } from '../../core/index.js';
import type { ApiRequest } from '../request.js';
import { fieldManagerFor } from '../registry/managed-fields.js';
import type { HandlerContext } from './context.js';
import { dryRunParam, fieldValidationParam } from './params.js';
import { checkTypeMeta } from './typemeta.js';

export async function handleCreate(ctx: HandlerContext, req: ApiRequest): Promise<KubeObject> {
  const obj = ctx.decoder.decode(req.type, req.body, fieldValidationParam(req.query), req.warnings);
  checkTypeMeta(req.type, obj);
  const bodyNs = obj.metadata?.namespace;
  if (req.type.namespaced && bodyNs && req.namespace && bodyNs !== req.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return ctx.registry.create(req.type, req.namespace, obj, {
    user: req.user, dryRun: dryRunParam(req.query), fieldManager: fieldManagerFor(req.query.fieldManager, req.userAgent),
  });
}
