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

/**
 * The stream, counted in the watch metrics from its first read until it ends, fails or is
 * closed. A plain iterator rather than an async generator: a generator wrapping `yield*` costs
 * extra promise turns on every event of every watch.
 */
export function counted<T>(events: AsyncIterable<T>, resource: string, onWatch?: (r: string, d: number) => void): AsyncIterable<T> {
  if (!onWatch) return events;
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const it = events[Symbol.asyncIterator]();
      let state: 'new' | 'open' | 'done' = 'new';
      const end = (): void => {
        if (state === 'open') onWatch(resource, -1);
        state = 'done';
      };
      return {
        async next(): Promise<IteratorResult<T>> {
          if (state === 'done') return { done: true, value: undefined };
          if (state === 'new') { state = 'open'; onWatch(resource, 1); }
          try {
            const r = await it.next();
            if (r.done) end();
            return r;
          } catch (e) {
            end();
            throw e;
          }
        },
        async return(value?: unknown): Promise<IteratorResult<T>> {
          // Closed before the first read: nothing was counted and the source was never started.
          if (state !== 'open') { state = 'done'; return { done: true, value: value as T }; }
          try {
            await it.return?.(value);
          } finally {
            end();
          }
          return { done: true, value: value as T };
        },
      };
    },
  };
}
