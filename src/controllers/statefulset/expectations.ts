// Writes the informer caches have not shown yet (client-go's controller expectations, reduced).
//
// Why: a sync that runs before the watch delivered the pods and claims the previous sync
// created would create them again (AlreadyExists, an error and a back-off per object) and
// would delete a condemned pod twice. At 1,000 replicas that is most of the work.
//
// Contract:
// - created(obj) remembers an object this controller created (the server's response);
//   deleted(obj) remembers the uid of an object it deleted.
// - observe(change) is fed every informer change; an entry ends once the cache has caught up:
//   the created uid (or a newer object under its key) appeared, or the deleted uid is gone or
//   terminating. Entries also end after ttlMs, so a missed event cannot hide the truth for long.
// - overlay(objects, filter) returns the cache's view corrected by the entries: created
//   objects the cache lacks are added, deleted ones still shown live are shown terminating.
//   `pending` says whether anything was corrected (the caller then re-checks after ttlMs).
import { keyOf, keyString, type KubeObject } from '../../core/index.js';
import type { Change } from '../../controller-runtime/index.js';

interface Entry<T> { readonly obj: T; readonly at: number }

export class Expectations<T extends KubeObject> {
  private readonly created = new Map<string, Entry<T>>();
  private readonly deletedUids = new Map<string, number>();

  constructor(readonly ttlMs = 30_000, private readonly now: () => number = Date.now) {}

  recordCreated(obj: T): void {
    this.created.set(keyString(keyOf(obj)), { obj, at: this.now() });
  }

  recordDeleted(obj: T): void {
    const uid = obj.metadata?.uid;
    if (uid) this.deletedUids.set(uid, this.now());
  }

  observe(change: Change<T>): void {
    const cur = change.new;
    if (cur) {
      const key = keyString(keyOf(cur));
      if (this.created.has(key)) this.created.delete(key);
      if (cur.metadata?.deletionTimestamp) this.deletedUids.delete(cur.metadata.uid ?? '');
    } else if (change.old) {
      this.deletedUids.delete(change.old.metadata?.uid ?? '');
      const key = keyString(keyOf(change.old));
      if (this.created.get(key)?.obj.metadata?.uid === change.old.metadata?.uid) this.created.delete(key);
    }
  }

  /** A created object the cache may not have yet, by key. */
  createdObject(key: string): T | undefined {
    const e = this.created.get(key);
    if (!e) return undefined;
    if (this.now() - e.at > this.ttlMs) { this.created.delete(key); return undefined; }
    return e.obj;
  }

  /** The cache's objects (for one owner) corrected by what this controller did. */
  overlay(objects: readonly T[], belongs: (o: T) => boolean): { objects: readonly T[]; pending: boolean } {
    // Most syncs find nothing unconfirmed: no copy, no keys.
    if (!this.created.size && !this.deletedUids.size) return { objects, pending: false };
    const now = this.now();
    let pending = false;
    const out: T[] = [];
    const present = new Set<string>();
    for (const o of objects) {
      present.add(keyString(keyOf(o)));
      const at = this.deletedUids.get(o.metadata?.uid ?? '');
      if (at !== undefined && !o.metadata?.deletionTimestamp) {
        if (now - at > this.ttlMs) { this.deletedUids.delete(o.metadata?.uid ?? ''); out.push(o); continue; }
        pending = true;
        out.push({ ...o, metadata: { ...o.metadata, deletionTimestamp: new Date(at).toISOString() } });
        continue;
      }
      out.push(o);
    }
    for (const [key, e] of this.created) {
      if (present.has(key) || !belongs(e.obj)) continue;
      if (now - e.at > this.ttlMs) { this.created.delete(key); continue; }
      pending = true;
      out.push(e.obj);
    }
    return { objects: out, pending };
  }
}
