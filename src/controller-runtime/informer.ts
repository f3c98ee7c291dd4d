// Informer: a watcher feeding a CacheStore, plus change notification (client-go
// SharedIndexInformer, kube-rs reflector).
//
// Contract (after client-go shared_informer.go):
// - The cache is eventually consistent with the server: each object's cached state is one the
//   server held, states arrive in order per object, nothing is promised across objects.
// - hasSynced() turns true after the first complete list and stays true across relists.
//   Controllers must not act on an unsynced cache (an empty cache looks like "all deleted").
// - onChange(handler) is told every change: {new} for an add, {old, new} for an update,
//   {old} for a delete (old is the object's final state). A relist reports what it changed,
//   including deletes missed while disconnected. A handler added after sync first hears of
//   every cached object as an add. Handlers run synchronously on the informer's path and must
//   only map objects to keys and enqueue them; a handler that throws is logged and skipped.
// - run(signal) drives the informer until signal aborts; one run at a time.

import type { KubeObject, ResourceType } from '../core/index.js';
import type { Reader, WatchClient } from '../client/index.js';
import { CacheStore, type Change, type IndexFunc, type Lister } from './cache-store.js';
import { consoleLogger, type Logger } from './log.js';
import { watcher, type WatcherOptions } from './watcher.js';

export type ChangeHandler<T> = (change: Change<T>) => void;

export interface Informer<T extends KubeObject> {
  readonly type: ResourceType;
  readonly lister: Lister<T>;
  hasSynced(): boolean;
  /** Resolves true once synced, or false if signal aborts first. */
  waitForSync(signal: AbortSignal): Promise<boolean>;
  /** Returns the unsubscribe function. */
  onChange(handler: ChangeHandler<T>): () => void;
  /** Adds an index; allowed at any time (existing objects are indexed at once). */
  addIndex(name: string, fn: IndexFunc<T>): void;
  run(signal: AbortSignal): Promise<void>;
}

export type InformerOptions = WatcherOptions;

export function createInformer<T extends KubeObject>(client: Reader & WatchClient, type: ResourceType,
  opts: InformerOptions = {}): Informer<T> {
  const store = new CacheStore<T>();
  const lister = store.reader();
  const logger: Logger = opts.logger ?? consoleLogger;
  const handlers = new Set<ChangeHandler<T>>();
  const syncWaiters = new Set<() => void>();
  let synced = false;
  let running = false;

  const notify = (handler: ChangeHandler<T>, change: Change<T>) => {
    try {
      handler(change);
    } catch (error) {
      logger.error('informer: change handler failed', { resource: type.plural, error });
    }
  };

  return {
    type,
    lister,
    hasSynced: () => synced,

    waitForSync(signal) {
      if (synced) return Promise.resolve(true);
      if (signal.aborted) return Promise.resolve(false);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          syncWaiters.delete(onSync);
          signal.removeEventListener('abort', onAbort);
          resolve(ok);
        };
        const onSync = () => done(true);
        const onAbort = () => done(false);
        syncWaiters.add(onSync);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },

    onChange(handler) {
      handlers.add(handler);
      if (synced) for (const o of lister.list()) notify(handler, { new: o });
      return () => { handlers.delete(handler); };
    },

    addIndex: (name, fn) => store.addIndex(name, fn),

    async run(signal) {
      if (running) throw new Error(`informer for ${type.plural} is already running`);
      running = true;
      try {
        for await (const ev of watcher<T>(client, type, opts, signal)) {
          const changes = store.apply(ev);
          for (const change of changes) for (const h of handlers) notify(h, change);
          if (ev.type === 'initDone' && !synced) {
            synced = true;
            for (const w of [...syncWaiters]) w();
          }
        }
      } finally {
        running = false;
      }
    },
  };
}
