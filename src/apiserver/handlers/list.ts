import type { ApiRequest, ListResult } from '../request.js';
import type { HandlerContext } from './context.js';
import { intParam } from './params.js';
import { selectorFilter } from './selectors.js';

export async function handleList(ctx: HandlerContext, req: ApiRequest): Promise<ListResult> {
  const filter = selectorFilter(ctx, req);
  const limit = intParam(req.query, 'limit');
  return ctx.registry.list(req.type, req.namespace, {
    filter, limit, continueToken: req.query.continue || undefined, resourceVersion: req.query.resourceVersion,
  });
}
