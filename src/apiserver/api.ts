// The API core: one entry point for every resource request, whatever the transport.
import { ApiError, methodNotAllowed, type KubeObject } from '../core/index.js';
import type { HandlerContext } from './handlers/context.js';
import { handleBinding } from './handlers/binding.js';
import { handleCreate } from './handlers/create.js';
import { handleDelete, handleDeleteCollection } from './handlers/delete.js';
import { handleFinalize } from './handlers/finalize.js';
import { handleGet } from './handlers/get.js';
import { handleList } from './handlers/list.js';
import { handlePatch, handlePatchRequest } from './handlers/patch.js';
import { handleGetScale, handleWriteScale } from './handlers/scale.js';
import { handleUpdate } from './handlers/update.js';
import { handleWatch, type WatchStream } from './handlers/watch.js';
import type { ApiRequest, ListResult } from './request.js';

export type ApiResult =
  | { readonly kind: 'object'; readonly code: number; readonly object: KubeObject }
  | { readonly kind: 'list'; readonly list: ListResult }
  | { readonly kind: 'watch'; readonly stream: WatchStream };

const object = (obj: KubeObject, code = 200): ApiResult => ({ kind: 'object', code, object: obj });

export async function handleApiRequest(ctx: HandlerContext, req: ApiRequest, signal: AbortSignal): Promise<ApiResult> {
  const sub = req.subresource;
  if ((req.verb === 'update' || req.verb === 'patch') && !req.name) throw methodNotAllowed();
  if (!sub) {
    switch (req.verb) {
      case 'get': return object(await handleGet(ctx, req));
      case 'list': return { kind: 'list', list: await handleList(ctx, req) };
      case 'watch': return { kind: 'watch', stream: handleWatch(ctx, req, signal) };
      case 'create': return object(await handleCreate(ctx, req), 201);
      case 'update': return object(await handleUpdate(ctx, req));
      case 'patch': {
        // A server-side apply that creates the object answers 201.
        const r = await handlePatchRequest(ctx, req);
        return object(r.object, r.code);
      }
      case 'delete': {
        const r = await handleDelete(ctx, req);
        return object(r.object, r.deleted ? 200 : 202);
      }
      case 'deletecollection': return { kind: 'list', list: await handleDeleteCollection(ctx, req) };
    }
  }
  if (!req.type.subresources.includes(sub as never) && !(sub === 'finalize' && req.type.kind === 'Namespace')) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  switch (sub) {
    case 'status':
      if (req.verb === 'get') return object(await handleGet(ctx, req));
      if (req.verb === 'update') return object(await handleUpdate(ctx, req));
      if (req.verb === 'patch') return object(await handlePatch(ctx, req));
      break;
    case 'scale':
      if (req.verb === 'get') return object(await handleGetScale(ctx, req));
      if (req.verb === 'update' || req.verb === 'patch') return object(await handleWriteScale(ctx, req));
      break;
    case 'binding':
      if (req.verb === 'create') return object(await handleBinding(ctx, req), 201);
      break;
    case 'finalize':
      if (req.verb === 'update') return object(await handleFinalize(ctx, req));
      break;
  }
  throw methodNotAllowed();
}
