// The binder's own view of PVs and claims: the informer's objects, overlaid with the binder's
// own successful writes until the informer catches up (upstream keeps the same cache for the
// same reason: binding is four writes, and acting on the informer's stale copy in between
// would only produce conflicts). Newer resourceVersions win; an older one never replaces a
// newer one. A write is only assumed for an object still known, so a write that raced with a
// delete cannot bring a deleted object back.
import type { KubeObject } from '../../core/index.js';

export type CacheListener<T> = (old: T | undefined, cur: T | undefined) => void;

/** resourceVersions are decimal revisions; anything else is treated as newest. */
function revision(o: KubeObject): number {
  const n = Number(o.metadata?.resourceVersion);
  return Number.isFinite(n) ? n : Number.POSITIVE_INFINITY;
}

export class AssumeCache<T extends KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly listeners: CacheListener<T>[] = [];

  constructor(private readonly keyOf: (o: T) => string) {}

  /** Told (old, current) on every change, synchronously. */
  onChange(fn: CacheListener<T>): void {
    this.listeners.push(fn);
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  values(): IterableIterator<T> {
    return this.objects.values();
  }

  /** An object as the informer saw it (add or update). */
  observe(obj: T): void {
    const key = this.keyOf(obj);
    const old = this.objects.get(key);
    if (old && (old === obj || revision(obj) < revision(old))) return;
    this.set(key, old, obj);
  }

  /** The informer saw the object deleted. */
  forget(key: string): void {
    const old = this.objects.get(key);
    if (!old) return;
    this.objects.delete(key);
    for (const l of this.listeners) l(old, undefined);
  }

  /** The object as one of our writes returned it. */
  assume(obj: T): void {
    const key = this.keyOf(obj);
    const old = this.objects.get(key);
    if (!old || revision(obj) < revision(old)) return;
    this.set(key, old, obj);
  }

  private set(key: string, old: T | undefined, obj: T): void {
    this.objects.set(key, obj);
    for (const l of this.listeners) l(old, obj);
  }
}
