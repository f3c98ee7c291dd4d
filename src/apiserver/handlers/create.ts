import type { KubeObject } from '../../core/index.js';
import type { ApiRequest } from '../request.js';
import { bodyObject, writeOptions } from './body-object.js';
import type { HandlerContext } from './context.js';

// Not async: the registry's promise is handed straight back (an async wrapper costs promise
// turns per write). A bad body throws here synchronously; handleApiRequest, inside its own async
// body, turns that into the same rejection.
export function handleCreate(ctx: HandlerContext, req: ApiRequest): Promise<KubeObject> {
  return ctx.registry.create(req.type, req.namespace, bodyObject(ctx, req), writeOptions(req), true);
}
