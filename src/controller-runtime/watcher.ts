// watcher: list+watch of one collection as an explicit state machine (kube-rs runtime/watcher.rs).
//
// Events, designed for a cache above it:
//   init       a (re)list starts: the consumer starts buffering a fresh copy;
//   initApply  one object of that list;
//   initDone   the list is complete: the buffer replaces the old state atomically;
//   apply      an object was added or changed (watch);
//   delete     an object was deleted, with its last state (watch).
// Between initDone and the next init, apply/delete events are ordered per object and each
// leaves the consumer's copy equal to some state the server held (client-go informer contract:
// eventually consistent, a subsequence of the authoritative states, no order across objects).
//
// Transitions (one per arm of step()):
//   empty       → initPage                 emit init
//   initPage    → initPage(continue)       list one page (limit), emit initApply per item
//               → initListed(rv)           last page: emit initDone; rv = the list's resourceVersion
//               → empty                    410 on a page: the continue token expired, list again
//   initListed  → watching(rv)             open a watch from rv with allowWatchBookmarks
//   watching    → watching(rv')            ADDED/MODIFIED → apply, DELETED → delete,
//                                          BOOKMARK → only rv advances
//               → initListed(rv)           stream ended or broke (network): resume from the last rv
//               → empty                    410 Gone/Expired (ERROR event or thrown): rv is too old
// Every error is reported (onError) and followed by a backoff sleep; a step that emits events
// resets the backoff. Aborting the signal ends the iteration and closes the open watch.

import type { KubeObject, ResourceType } from '../core/index.js';
import { ApiError, apiVersionOf, isApiError } from '../core/index.js';
import type { Reader, WatchClient, WatchEvent } from '../client/index.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { childSignal, realClock, sleep, type Clock } from './clock.js';
import { consoleLogger, type Logger } from './log.js';

export type WatcherEvent<T extends KubeObject> =
  | { readonly type: 'init' }
  | { readonly type: 'initApply'; readonly object: T }
  | { readonly type: 'initDone' }
  | { readonly type: 'apply'; readonly object: T }
  | { readonly type: 'delete'; readonly object: T };

export interface WatcherOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Page size of the initial list; default 500 (client-go's pager). */
  readonly pageSize?: number;
  readonly backoff?: BackoffOptions;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Server-side watch timeout; default random in [5, 10) minutes so reconnects spread out. */
  readonly watchTimeoutSeconds?: number;
}

interface OpenStream<T extends KubeObject> {
  readonly iterator: AsyncIterator<WatchEvent<T>>;
  readonly close: () => void;
  readonly openedAt: number;
}

export type WatcherState<T extends KubeObject> =
  | { readonly kind: 'empty' }
  | { readonly kind: 'initPage'; readonly continueToken?: string }
  | { readonly kind: 'initListed'; readonly resourceVersion: string }
  | { readonly kind: 'watching'; readonly resourceVersion: string; readonly stream: OpenStream<T>; readonly received: number };

export interface StepResult<T extends KubeObject> {
  readonly events: readonly WatcherEvent<T>[];
  readonly next: WatcherState<T>;
  /** Set when the step failed; the driver reports it and backs off before the next step. */
  readonly error?: unknown;
}

export interface WatcherContext {
  readonly client: Reader & WatchClient;
  readonly type: ResourceType;
  readonly opts: WatcherOptions;
  readonly clock: Clock;
}

const EMPTY = { kind: 'empty' } as const;
/** A watch that ends sooner than this without delivering anything counts as a failure
 *  (client-go's "very short watch"), so a server that closes at once is not hammered. */
const SHORT_WATCH_MS = 1000;

/** True for 410 Gone / Expired: the resourceVersion (or continue token) is no longer served. */
export function isGone(e: unknown): boolean {
  return isApiError(e) && (e.code === 410 || e.reason === 'Gone' || e.reason === 'Expired');
}

/** The watcher's single transition function: one state in, the events and the next state out. */
export async function step<T extends KubeObject>(ctx: WatcherContext, state: WatcherState<T>, signal: AbortSignal): Promise<StepResult<T>> {
  const { client, type, opts } = ctx;
  const selectors = { namespace: opts.namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector };
  switch (state.kind) {
    case 'empty':
      return { events: [{ type: 'init' }], next: { kind: 'initPage' } };

    case 'initPage': {
      let page;
      try {
        page = await abortable(client.list<T>(type, { ...selectors, limit: opts.pageSize ?? 500, continue: state.continueToken }), signal);
      } catch (error) {
        return { events: [], next: isGone(error) ? EMPTY : state, error };
      }
      const events: WatcherEvent<T>[] = page.items.map((o) => ({ type: 'initApply', object: withTypeMeta(type, o) }));
      if (page.metadata.continue) return { events, next: { kind: 'initPage', continueToken: page.metadata.continue } };
      const rv = page.metadata.resourceVersion;
      if (!rv) return { events, next: EMPTY, error: new Error(`list of ${type.plural} returned no resourceVersion`) };
      return { events: [...events, { type: 'initDone' }], next: { kind: 'initListed', resourceVersion: rv } };
    }

    case 'initListed': {
      const child = childSignal(signal);
      const timeoutSeconds = opts.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random()));
      const iterable = client.watch<T>(type, {
        ...selectors, resourceVersion: state.resourceVersion, allowWatchBookmarks: true, timeoutSeconds,
      }, child.controller.signal);
      const iterator = iterable[Symbol.asyncIterator]();
      const close = () => {
        child.controller.abort();
        child.dispose();
        // Not awaited: a transport may settle its pending next() only after the abort.
        iterator.return?.().catch(() => {});
      };
      return { events: [], next: { kind: 'watching', resourceVersion: state.resourceVersion, stream: { iterator, close, openedAt: ctx.clock.now() }, received: 0 } };
    }

    case 'watching': {
      const { stream, resourceVersion: rv } = state;
      let r: IteratorResult<WatchEvent<T>>;
      try {
        r = await abortable(stream.iterator.next(), signal);
      } catch (error) {
        stream.close();
        return { events: [], next: isGone(error) ? EMPTY : { kind: 'initListed', resourceVersion: rv }, error };
      }
      if (r.done) {
        stream.close();
        const short = state.received === 0 && ctx.clock.now() - stream.openedAt < SHORT_WATCH_MS;
        const error = short ? new Error(`watch of ${type.plural} closed at once with no events`) : undefined;
        return { events: [], next: { kind: 'initListed', resourceVersion: rv }, error };
      }
      const ev = r.value;
      const advanced = (o: KubeObject) => ({ ...state, resourceVersion: o.metadata?.resourceVersion || rv, received: state.received + 1 });
      switch (ev.type) {
        case 'ADDED':
        case 'MODIFIED':
          return { events: [{ type: 'apply', object: withTypeMeta(type, ev.object) }], next: advanced(ev.object) };
        case 'DELETED':
          return { events: [{ type: 'delete', object: withTypeMeta(type, ev.object) }], next: advanced(ev.object) };
        case 'BOOKMARK':
          return { events: [], next: advanced(ev.object) };
        case 'ERROR': {
          stream.close();
          const error = statusError(ev.object);
          return { events: [], next: isGone(error) ? EMPTY : { kind: 'initListed', resourceVersion: rv }, error };
        }
      }
      return assertNever(ev);
    }
  }
  return assertNever(state);
}

/** Runs the state machine until signal aborts (or the consumer stops iterating). */
export async function* watcher<T extends KubeObject>(client: Reader & WatchClient, type: ResourceType,
  opts: WatcherOptions, signal: AbortSignal): AsyncGenerator<WatcherEvent<T>, void, undefined> {
  const ctx: WatcherContext = { client, type, opts, clock: opts.clock ?? realClock };
  const logger = opts.logger ?? consoleLogger;
  const backoff = new Backoff(opts.backoff);
  let state: WatcherState<T> = EMPTY;
  try {
    while (!signal.aborted) {
      let r: StepResult<T>;
      try {
        r = await step(ctx, state, signal);
      } catch (e) {
        if (signal.aborted) break;
        throw e;
      }
      state = r.next;
      if (signal.aborted) break;
      for (const e of r.events) yield e;
      if (r.error !== undefined) {
        // 410 is the expected way a long disconnect ends (history compacted): not an alarm.
        const log = isGone(r.error) ? logger.info : logger.error;
        log.call(logger, 'watcher: retrying', { resource: type.plural, next: state.kind, error: r.error });
        if (!(await sleep(ctx.clock, backoff.next(), signal))) break;
      } else if (r.events.length) {
        backoff.reset();
      }
    }
  } finally {
    if (state.kind === 'watching') state.stream.close();
  }
}

/** List items arrive without apiVersion/kind on the wire; handlers and caches want them. */
function withTypeMeta<T extends KubeObject>(type: ResourceType, o: T): T {
  if (o.apiVersion && o.kind) return o;
  return { ...o, apiVersion: o.apiVersion ?? apiVersionOf(type), kind: o.kind ?? type.kind };
}

function statusError(status: KubeObject): ApiError {
  const s = status as { code?: number; reason?: string; message?: string };
  return new ApiError(s.code ?? 500, (s.reason ?? 'InternalError') as ApiError['reason'], s.message ?? 'watch error');
}

/** Rejects with AbortError as soon as signal aborts, so a hung call cannot block shutdown. */
function abortable<V>(p: Promise<V>, signal: AbortSignal): Promise<V> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}

function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
