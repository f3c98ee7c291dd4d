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
    fieldManager: req.query.fieldManager || managerOfUserAgent(req.userAgent),
  };
}

// Every write without ?fieldManager derives the manager from the User-Agent, and a cluster's
// clients send a handful of them: derive each once (a per-character Unicode scan).
const managers = new Map<string | undefined, string>();
const MANAGERS_MAX = 256;

function managerOfUserAgent(userAgent: string | undefined): string {
  let m = managers.get(userAgent);
  if (m === undefined) {
    m = fieldManagerFor(undefined, userAgent);
    if (managers.size >= MANAGERS_MAX) managers.clear();
    managers.set(userAgent, m);
  }
  return m;
}
