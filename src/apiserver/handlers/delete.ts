import type { KubeObject } from '../../core/index.js';
import { deleteObject, type DeleteOptions } from '../registry/delete.js';
import type { ApiRequest, ListResult } from '../request.js';
import type { HandlerContext } from './context.js';
import { dryRunParam, intParam } from './params.js';
import { selectorFilter } from './selectors.js';

function deleteOptions(ctx: HandlerContext, req: ApiRequest): DeleteOptions {
  const body = req.body === undefined || req.body === '' ? {} : ctx.decoder.decodeDeleteOptions(req.body);
  const opts = { ...body } as DeleteOptions;
  const grace = intParam(req.query, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  if (req.query.propagationPolicy) opts.propagationPolicy = req.query.propagationPolicy;
  if (req.query.orphanDependents !== undefined) opts.orphanDependents = req.query.orphanDependents === 'true';
  return opts;
}

export async function handleDelete(ctx: HandlerContext, req: ApiRequest): Promise<{ object: KubeObject; deleted: boolean }> {
  const dryRun = dryRunParam(req.query) || (Array.isArray((req.body as { dryRun?: unknown })?.dryRun)
    && ((req.body as { dryRun: string[] }).dryRun).includes('All'));
  return deleteObject(ctx.registry, req.type, req.namespace, req.name!, deleteOptions(ctx, req), { user: req.user, dryRun });
}

export async function handleDeleteCollection(ctx: HandlerContext, req: ApiRequest): Promise<ListResult> {
  const filter = selectorFilter(ctx, req);
  const list = await ctx.registry.list(req.type, req.namespace, { filter });
  const opts = deleteOptions(ctx, req);
  const dryRun = dryRunParam(req.query);
  const items: KubeObject[] = [];
  for (const item of list.items) {
    try {
      const r = await deleteObject(ctx.registry, req.type, item.metadata?.namespace, item.metadata!.name!, opts, { user: req.user, dryRun });
      items.push(r.object);
    } catch (e) {
      // Objects deleted concurrently are simply gone already.
      if ((e as { reason?: string }).reason !== 'NotFound') throw e;
    }
  }
  return { ...list, items };
}
