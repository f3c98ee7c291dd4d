import { methodNotAllowed, type KubeObject } from '../../core/index.js';
import type { ApiRequest } from '../request.js';
import type { HandlerContext } from './context.js';

export async function handleGet(ctx: HandlerContext, req: ApiRequest): Promise<KubeObject> {
  if (!req.name) throw methodNotAllowed();
  return ctx.registry.get(req.type, req.namespace, req.name);
}
