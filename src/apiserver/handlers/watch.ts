import { badRequest } from '../../core/index.js';
import { parseRevision } from '../registry/registry.js';
import { watchCollection } from '../registry/watch.js';
import type { ApiRequest, WatchEvent } from '../request.js';
import type { HandlerContext } from './context.js';
import { boolParam, intParam } from './params.js';
import { MATCH_ALL, selectorFilter } from './selectors.js';

export interface WatchStream {
  readonly events: AsyncIterable<WatchEvent>;
  /** The server ends the stream after this long (timeoutSeconds), if set. */
  readonly timeoutMs?: number;
}

export function handleWatch(ctx: HandlerContext, req: ApiRequest, signal: AbortSignal): WatchStream {
  const filter = selectorFilter(ctx, req);
  const timeoutSeconds = intParam(req.query, 'timeoutSeconds');
  if (timeoutSeconds !== undefined && timeoutSeconds < 0) throw badRequest('timeoutSeconds must not be negative');
  const sendInitialEvents = boolParam(req.query, 'sendInitialEvents');
  const allowBookmarks = boolParam(req.query, 'allowWatchBookmarks') ?? false;
  if (sendInitialEvents !== undefined && (req.query.resourceVersionMatch !== 'NotOlderThan' || !allowBookmarks)) {
    throw badRequest('sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled, resourceVersionMatch=NotOlderThan and allowWatchBookmarks=true');
  }
  const rv = req.query.resourceVersion ?? '';
  if (rv !== '' && rv !== '0') parseRevision(rv);
  // A watch on one named object (get -w) is a watch with a metadata.name field selector.
  const named = req.name;
  const events = watchCollection(ctx.registry, req.type, req.namespace, {
    filter: named ? (o) => o.metadata?.name === named && filter(o) : filter === MATCH_ALL ? undefined : filter,
    resourceVersion: req.query.resourceVersion ?? '',
    allowBookmarks,
    sendInitialEvents,
    signal,
  });
  return { events: counted(events, req.type.plural, ctx.onWatch), timeoutMs: timeoutSeconds ? timeoutSeconds * 1000 : undefined };
}

async function* counted<T>(events: AsyncIterable<T>, resource: string, onWatch?: (r: string, d: number) => void): AsyncGenerator<T> {
  onWatch?.(resource, 1);
  try {
    yield* events;
  } finally {
    onWatch?.(resource, -1);
  }
}
