// The object in a create or update body: decoded against the kind's schema, of the endpoint's
// kind, and in the URL's namespace. Shared by POST and PUT.
import { badRequest, type KubeObject } from '../../core/index.js';
import { fieldManagerFor } from '../registry/managed-fields.js';
import type { WriteOptions } from '../registry/registry.js';
import type { ApiRequest } from '../request.js';
import type { HandlerContext } from './context.js';
import { dryRunParam, fieldValidationParam } from './params.js';
import { checkTypeMeta } from './typemeta.js';

export function bodyObject(ctx: HandlerContext, req: ApiRequest): KubeObject {
  const obj = ctx.decoder.decode(req.type, req.body, fieldValidationParam(req.query), req.warnings);
  checkTypeMeta(req.type, obj);
  const bodyNs = obj.metadata?.namespace;
  if (req.type.namespaced && bodyNs && req.namespace && bodyNs !== req.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return obj;
}

export function writeOptions(req: ApiRequest): WriteOptions {
  return {
    user: req.user, dryRun: dryRunParam(req.query), subresource: req.subresource,
    fieldManager: fieldManagerFor(req.query.fieldManager, req.userAgent),
  };
}
