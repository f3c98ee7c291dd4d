import type { ApiRequest, ListResult } from '../request.js';
import type { HandlerContext } from './context.js';
import { badRequest } from '../../core/index.js';
import { intParam } from './params.js';
import { selectorFilter } from './selectors.js';

export async function handleList(ctx: HandlerContext, req: ApiRequest): Promise<ListResult> {
  const filter = selectorFilter(ctx, req);
  const limit = intParam(req.query, 'limit');
  const match = req.query.resourceVersionMatch;
  if (match && !['Exact', 'NotOlderThan'].includes(match)) {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (match && !req.query.resourceVersion) throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (match === 'Exact' && req.query.resourceVersion === '0') throw badRequest('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  return ctx.registry.list(req.type, req.namespace, {
    filter, limit, continueToken: req.query.continue || undefined, resourceVersion: req.query.resourceVersion,
    resourceVersionMatch: req.query.resourceVersionMatch,
  });
}
