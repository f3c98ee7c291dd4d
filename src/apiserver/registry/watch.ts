// Watch: store events turned into ADDED/MODIFIED/DELETED for one collection and selector
// (upstream cacher/etcd3 watcher semantics: objects entering or leaving the selector show up
// as ADDED/DELETED), with optional initial state and bookmarks.
import type { KubeObject, ResourceType } from '../../core/index.js';
import { apiVersionOf } from '../../core/index.js';
import { isStoreError, type KeyValue, type StoreEvent } from '../../store/index.js';
import type { WatchEvent } from '../request.js';
import { decodeObject, deepFreeze } from './codec.js';
import { collectionPrefix } from './keys.js';
import type { ObjectCache } from './object-cache.js';
import { parseRevision, type Registry } from './registry.js';

export interface WatchOptions {
  readonly filter?: (obj: KubeObject) => boolean;
  /** '' / '0' = start with the current state as ADDED events; a number = changes after it. */
  readonly resourceVersion?: string;
  readonly allowBookmarks?: boolean;
  /** Emit the current state first, then a bookmark marking its end (watch-list). */
  readonly sendInitialEvents?: boolean;
  readonly bookmarkIntervalMs?: number;
  readonly signal: AbortSignal;
}

export async function* watchCollection(reg: Registry, type: ResourceType, namespace: string | undefined,
  opts: WatchOptions): AsyncGenerator<WatchEvent> {
  const filter = opts.filter;
  const rv = opts.resourceVersion ?? '';
  let from: number;
  const initial = opts.sendInitialEvents ?? (rv === '' || rv === '0');
  if (initial) {
    const list = await reg.list(type, namespace, { filter, resourceVersion: rv === '0' ? '' : rv });
    from = Number(list.metadata.resourceVersion);
    for (const item of list.items) yield { type: 'ADDED', object: item };
    if (opts.sendInitialEvents && opts.allowBookmarks) {
      yield bookmark(type, from, { 'k8s.io/initial-events-end': 'true' });
    }
  } else {
    from = parseRevision(rv);
  }

  const controller = new AbortController();
  const onAbort = () => controller.abort();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  const events = reg.store.watch(collectionPrefix(type, namespace), from, controller.signal)[Symbol.asyncIterator]();
  let lastRevision = from;
  const interval = opts.bookmarkIntervalMs ?? 60_000;
  // Bookmarks are due on an interval; the loop waits for the next event or for that tick. (Racing
  // each event against one long-lived timer promise would add a reaction per event to it, and so
  // keep every event of the interval alive until the timer fired.)
  let due = false;
  let wake: ((v: typeof TIMEOUT) => void) | undefined;
  const ticker = opts.allowBookmarks ? setInterval(() => { due = true; wake?.(TIMEOUT); }, interval) : undefined;
  ticker?.unref?.();
  try {
    let pending = events.next();
    for (;;) {
      if (due) {
        due = false;
        yield bookmark(type, lastRevision);
        continue;
      }
      const next = ticker
        ? await new Promise<IteratorResult<StoreEvent> | typeof TIMEOUT>((resolve, reject) => {
          wake = resolve;
          pending.then(resolve, reject);
        })
        : await pending;
      wake = undefined;
      if (next === TIMEOUT) continue;
      if (next.done) return;
      pending = events.next();
      const ev = toWatchEvent(reg.objects, type, next.value, filter);
      lastRevision = next.value.type === 'put' ? next.value.kv.modRevision : next.value.revision;
      if (ev) yield ev;
    }
  } catch (e) {
    if (isStoreError(e, 'Compacted')) {
      yield errorEvent(410, 'Expired', `too old resource version: ${from} (${e.compactedRevision ?? ''})`);
      return;
    }
    if (opts.signal.aborted) return;
    throw e;
  } finally {
    if (ticker) clearInterval(ticker);
    opts.signal.removeEventListener('abort', onAbort);
    controller.abort();
    await events.return?.(undefined);
  }
}

const TIMEOUT = Symbol('timeout');

// Every watch of a write, and the writer itself, get the same decoded object from the
// registry's object cache (upstream's watch cache shares one decoded object the same way). The
// objects are frozen: in-process watchers (informer caches) share them and must not change them.
// The previous versions that selector filters compare with are shared per event.
const decodedPrevs = new WeakMap<KeyValue, { type: ResourceType; object: KubeObject }>();
const decodedDeletes = new WeakMap<StoreEvent, { type: ResourceType; object: KubeObject }>();

function previous(objects: ObjectCache, type: ResourceType, kv: KeyValue): KubeObject {
  const cached = objects.peek(type, kv);
  if (cached) return cached;
  const hit = decodedPrevs.get(kv);
  if (hit?.type === type) return hit.object;
  const object = deepFreeze(decodeObject(type, kv));
  decodedPrevs.set(kv, { type, object });
  return object;
}

function toWatchEvent(objects: ObjectCache, type: ResourceType, ev: StoreEvent, filter: ((o: KubeObject) => boolean) | undefined): WatchEvent | undefined {
  if (ev.type === 'delete') {
    if (filter && !filter(previous(objects, type, ev.prev))) return undefined;
    let gone = decodedDeletes.get(ev);
    if (gone?.type !== type) {
      const object = decodeObject(type, ev.prev);
      object.metadata!.resourceVersion = String(ev.revision);
      gone = { type, object: deepFreeze(object) };
      decodedDeletes.set(ev, gone);
    }
    return { type: 'DELETED', object: gone.object };
  }
  // The previous version first: it may still be the cached one, which decoding the new one replaces.
  const before = filter && ev.prev ? filter(previous(objects, type, ev.prev)) : false;
  const obj = objects.decode(type, ev.kv);
  if (!filter) return { type: ev.prev ? 'MODIFIED' : 'ADDED', object: obj };
  const now = filter(obj);
  if (now && before) return { type: 'MODIFIED', object: obj };
  if (now) return { type: 'ADDED', object: obj };
  if (before) return { type: 'DELETED', object: obj };
  return undefined;
}

function bookmark(type: ResourceType, revision: number, annotations?: Record<string, string>): WatchEvent {
  return {
    type: 'BOOKMARK',
    object: { apiVersion: apiVersionOf(type), kind: type.kind, metadata: { resourceVersion: String(revision), ...(annotations ? { annotations } : {}) } },
  };
}

export function errorEvent(code: number, reason: string, message: string): WatchEvent {
  return { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } };
}
