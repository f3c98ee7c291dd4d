import type { KubeObject } from '../../core/index.js';
import type { ApiRequest } from '../request.js';
import { bodyObject, writeOptions } from './body-object.js';
import type { HandlerContext } from './context.js';

export async function handleUpdate(ctx: HandlerContext, req: ApiRequest): Promise<KubeObject> {
  return ctx.registry.update(req.type, req.namespace, req.name!, bodyObject(ctx, req), writeOptions(req), true);
}
