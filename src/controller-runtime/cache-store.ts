// CacheStore: the informer's in-memory copy of one collection, with indexes (kube-rs reflector
// Store + client-go thread_safe_store/index).
//
// Contract:
// - One writer: only the informer that owns the store calls apply(). Everyone else reads
//   through a Lister, which is a cheap view that always sees the current snapshot.
// - A relist is atomic: init starts a private buffer, initApply fills it, initDone swaps the
//   buffer (objects and freshly built indexes together) in at once. Readers see either the
//   whole old state or the whole new one, and objects deleted while the watch was down are
//   gone after the swap. apply() returns the changes the swap made, so handlers hear of them.
// - Objects are shared, not copied: callers must not mutate what a Lister returns (clone first).
// - The cache may be stale; it never holds a state the server did not hold.
// - Index functions map an object to zero or more string values; byIndex(name, value) returns
//   the objects that produced value. 'namespace' is built in.

import { keyOf, keyString, type KubeObject, type ObjectKey } from '../core/index.js';
import type { WatcherEvent } from './watcher.js';

export type IndexFunc<T> = (obj: T) => readonly string[];

/** Anything that decides on a label set; core's Selector (parseSelector) fits. */
export interface LabelMatcher {
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
}

export interface ListFilter {
  readonly namespace?: string;
  readonly selector?: LabelMatcher;
}

/** Read side of the cache. May be stale; never mutate what it returns. */
export interface Lister<T extends KubeObject> {
  get(key: ObjectKey | string): T | undefined;
  list(filter?: ListFilter): readonly T[];
  byIndex(index: string, value: string): readonly T[];
  size(): number;
}

/** One observed change: add (new only), update (both), delete (old only). */
export interface Change<T> {
  readonly old?: T;
  readonly new?: T;
}

export const NAMESPACE_INDEX = 'namespace';

interface Snapshot<T> {
  readonly objects: Map<string, T>;
  /**
   * index name → value → key → object. Buckets hold the objects themselves, so a read by index
   * is one copy of the bucket, not a copy of its keys and a lookup per key: controllers read
   * a namespace's thousand pods on every pod event.
   */
  readonly indexes: Map<string, Map<string, Map<string, T>>>;
}

export const objectKey = (o: KubeObject): string => keyString(keyOf(o));

export class CacheStore<T extends KubeObject> {
  private snap: Snapshot<T>;
  private buffer: Map<string, T> | undefined;
  private readonly indexers = new Map<string, IndexFunc<T>>();

  constructor() {
    this.indexers.set(NAMESPACE_INDEX, (o) => [o.metadata?.namespace ?? '']);
    this.snap = this.build(new Map());
  }

  /** Applies one watcher event; returns the changes visible to readers (none while buffering). */
  apply(ev: WatcherEvent<T>): Change<T>[] {
    switch (ev.type) {
      case 'init':
        this.buffer = new Map();
        return [];
      case 'initApply':
        (this.buffer ??= new Map()).set(objectKey(ev.object), ev.object);
        return [];
      case 'initDone': {
        const next = this.buffer ?? new Map<string, T>();
        this.buffer = undefined;
        const changes = diff(this.snap.objects, next);
        this.snap = this.build(next);
        return changes;
      }
      case 'apply': {
        const key = objectKey(ev.object);
        const old = this.snap.objects.get(key);
        // Same resourceVersion: nothing changed (a replayed event); tell nobody.
        if (old && old.metadata?.resourceVersion === ev.object.metadata?.resourceVersion) return [];
        if (old) this.unindex(key, old);
        this.snap.objects.set(key, ev.object);
        this.index(this.snap.indexes, key, ev.object);
        return [{ old, new: ev.object }];
      }
      case 'delete': {
        const key = objectKey(ev.object);
        const old = this.snap.objects.get(key);
        if (old) this.unindex(key, old);
        this.snap.objects.delete(key);
        // The event's object is the final state; report it even if we never saw the object.
        return [{ old: ev.object }];
      }
    }
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(name)) throw new Error(`index "${name}" already exists`);
    this.indexers.set(name, fn);
    const values = new Map<string, Map<string, T>>();
    this.snap.indexes.set(name, values);
    for (const [key, o] of this.snap.objects) addTo(values, fn(o), key, o);
  }

  /** A read-only view; always reads the current snapshot, so it survives swaps. */
  reader(): Lister<T> {
    return {
      get: (key) => this.snap.objects.get(typeof key === 'string' ? key : keyString(key)),
      list: (filter = {}) => {
        const { objects, indexes } = this.snap;
        const candidates = filter.namespace !== undefined
          ? indexes.get(NAMESPACE_INDEX)?.get(filter.namespace)?.values() ?? []
          : objects.values();
        const sel = filter.selector;
        if (!sel) return [...candidates];
        const out: T[] = [];
        for (const o of candidates) if (sel.matches(o.metadata?.labels)) out.push(o);
        return out;
      },
      byIndex: (name, value) => {
        const values = this.snap.indexes.get(name);
        if (!values) throw new Error(`index "${name}" does not exist`);
        return [...(values.get(value)?.values() ?? [])];
      },
      size: () => this.snap.objects.size,
    };
  }

  private build(objects: Map<string, T>): Snapshot<T> {
    const indexes: Snapshot<T>['indexes'] = new Map();
    for (const name of this.indexers.keys()) indexes.set(name, new Map());
    for (const [key, o] of objects) this.index(indexes, key, o);
    return { objects, indexes };
  }

  private index(indexes: Snapshot<T>['indexes'], key: string, o: T): void {
    for (const [name, fn] of this.indexers) addTo(indexes.get(name)!, fn(o), key, o);
  }

  private unindex(key: string, o: T): void {
    for (const [name, fn] of this.indexers) {
      const values = this.snap.indexes.get(name)!;
      for (const v of fn(o)) {
        const keys = values.get(v);
        keys?.delete(key);
        if (keys?.size === 0) values.delete(v);
      }
    }
  }
}

function addTo<T>(values: Map<string, Map<string, T>>, vs: readonly string[], key: string, o: T): void {
  for (const v of vs) {
    let bucket = values.get(v);
    if (!bucket) values.set(v, (bucket = new Map()));
    bucket.set(key, o);
  }
}

/** What a relist changed: new or changed (by resourceVersion) objects, and vanished ones. */
function diff<T extends KubeObject>(before: Map<string, T>, after: Map<string, T>): Change<T>[] {
  const changes: Change<T>[] = [];
  for (const [key, o] of after) {
    const old = before.get(key);
    if (!old) changes.push({ new: o });
    else if (old.metadata?.resourceVersion !== o.metadata?.resourceVersion) changes.push({ old, new: o });
  }
  for (const [key, old] of before) if (!after.has(key)) changes.push({ old });
  return changes;
}
