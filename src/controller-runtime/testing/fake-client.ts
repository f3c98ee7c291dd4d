// FakeApiClient: an in-memory ApiClient for controller-runtime's own unit tests, faithful where
// the watcher, informer and leader election depend on the API's semantics:
// - one global revision counter; every write gets the next one as metadata.resourceVersion,
//   and a delete's event carries the deleting revision (as the registry does);
// - update with a stale resourceVersion is a 409 Conflict, create of an existing name a 409
//   AlreadyExists, get/update/delete of a missing name a 404 NotFound;
// - list is a snapshot at one revision, paginated with limit/continue; watch from revision N
//   replays every change after N, then streams; '' or '0' starts with the current objects;
// - after compact(), a watch from an older revision gets an ERROR event with a 410 Expired
//   Status (as the API server sends it), and an older continue token a 410 on list.
// Fault injection: partition() (every call fails like a dropped connection, open watches break),
// disconnectWatches() (streams end normally), failNextWatch(err), bookmark(), and per-view
// hooks (withHooks) that can delay or fail one client's calls.
//
// Not a general fake: only equality label selectors, merge patch, no field selectors, no
// finalizers or graceful deletion. Controllers are tested against the real API server instead.

import {
  ApiError, OPTIMISTIC_LOCK_MESSAGE, alreadyExists, apiVersionOf, badRequest, conflict, gone, notFound,
  type KubeObject, type ObjectKey, type ResourceType,
} from '../../core/index.js';
import type {
  ApiClient, DeleteOptions, ListOptions, ObjectList, PatchType, WatchEvent, WatchOptions,
} from '../../client/index.js';

export type Verb = 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete' | 'watch';
export interface FakeHooks { before?(verb: Verb, type: ResourceType, key?: ObjectKey): void | Promise<void> }

interface LogEntry { rev: number; typeKey: string; type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject; prev?: KubeObject }
interface OpenWatch {
  typeKey: string; kind: string; matches: (o: KubeObject) => boolean; bookmarks: boolean;
  buffer: WatchEvent[]; wake?: () => void; end?: { error?: unknown };
}

class FakeState {
  rev = 0;
  compactedRev = 0;
  uid = 0;
  partitioned = false;
  readonly objects = new Map<string, Map<string, KubeObject>>();
  readonly log: LogEntry[] = [];
  readonly watches = new Set<OpenWatch>();
  readonly snapshots = new Map<string, { rev: number; items: KubeObject[] }>();
  readonly watchFailures: unknown[] = [];
  readonly calls: Array<{ verb: Verb; type: string; opts?: unknown }> = [];
}

const typeKeyOf = (t: ResourceType) => `${t.group}/${t.plural}`;
const objKey = (t: ResourceType, ns: string | undefined, name: string) => (t.namespaced ? `${ns ?? ''}/${name}` : name);
const clone = <T>(v: T): T => structuredClone(v);

export function networkError(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443 (fake partition)'), { code: 'ECONNREFUSED' });
}

function selectorMatcher(ns: string | undefined, labelSelector: string | undefined): (o: KubeObject) => boolean {
  const reqs = (labelSelector ?? '').split(',').filter(Boolean).map((r) => {
    const m = /^\s*([^=!\s]+)\s*==?\s*([^=!\s]*)\s*$/.exec(r);
    if (!m) throw badRequest(`fake client supports only k=v label selectors, got "${r}"`);
    return [m[1]!, m[2]!] as const;
  });
  return (o) => (!ns || o.metadata?.namespace === ns) && reqs.every(([k, v]) => o.metadata?.labels?.[k] === v);
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return clone(patch);
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class FakeApiClient implements ApiClient {
  constructor(private readonly s: FakeState = new FakeState(), private readonly hooks: FakeHooks = {}) {}

  /** Another client on the same data, whose calls go through hooks first. */
  withHooks(hooks: FakeHooks): FakeApiClient { return new FakeApiClient(this.s, hooks); }

  // ── test controls ──
  get calls(): ReadonlyArray<{ verb: Verb; type: string; opts?: unknown }> { return this.s.calls; }
  currentRevision(): number { return this.s.rev; }
  openWatches(): number { return this.s.watches.size; }
  /** Forget history up to now: older watch revisions and continue tokens get 410. */
  compact(): void {
    this.s.compactedRev = this.s.rev;
    this.s.log.splice(0);
  }
  bookmark(): void {
    for (const w of this.s.watches) {
      if (w.bookmarks) this.push(w, { type: 'BOOKMARK', object: { kind: w.kind, metadata: { resourceVersion: String(this.s.rev) } } });
    }
  }
  /** Ends every open watch stream, cleanly or with error. */
  disconnectWatches(error?: unknown): void {
    for (const w of this.s.watches) { w.end = { error }; w.wake?.(); }
  }
  /** While on, every call fails with a network error, and open watches break with one. */
  partition(on: boolean): void {
    this.s.partitioned = on;
    if (on) this.disconnectWatches(networkError());
  }
  failNextWatch(error: unknown): void { this.s.watchFailures.push(error); }

  // ── ApiClient ──
  async get<T extends KubeObject = KubeObject>(type: ResourceType, key: ObjectKey): Promise<T> {
    await this.enter('get', type, key);
    const o = this.bucket(type).get(objKey(type, key.namespace, key.name));
    if (!o) throw notFound(type.plural, type.group, key.name);
    return clone(o) as T;
  }

  async list<T extends KubeObject = KubeObject>(type: ResourceType, opts: ListOptions = {}): Promise<ObjectList<T>> {
    await this.enter('list', type, undefined, opts);
    let snap: { rev: number; items: KubeObject[] };
    let offset = 0;
    if (opts.continue) {
      const [id, off] = opts.continue.split(':');
      const found = this.s.snapshots.get(id!);
      if (!found || found.rev < this.s.compactedRev) {
        throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      snap = found;
      offset = Number(off);
    } else {
      const matches = selectorMatcher(type.namespaced ? opts.namespace : undefined, opts.labelSelector);
      const items = [...this.bucket(type).entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, o]) => o).filter(matches);
      snap = { rev: this.s.rev, items: clone(items) };
    }
    const end = opts.limit ? offset + opts.limit : snap.items.length;
    let next: string | undefined;
    if (end < snap.items.length) {
      const id = opts.continue?.split(':')[0] ?? `snap${this.s.snapshots.size}`;
      this.s.snapshots.set(id, snap);
      next = `${id}:${end}`;
    }
    return { items: clone(snap.items.slice(offset, end)) as T[], metadata: { resourceVersion: String(snap.rev), continue: next } };
  }

  async create<T extends KubeObject = KubeObject>(type: ResourceType, obj: T): Promise<T> {
    const ns = type.namespaced ? obj.metadata?.namespace ?? 'default' : undefined;
    const name = obj.metadata?.name ?? '';
    await this.enter('create', type, { namespace: ns, name });
    const k = objKey(type, ns, name);
    if (this.bucket(type).has(k)) throw alreadyExists(type.plural, type.group, name);
    const stored: KubeObject = {
      ...clone(obj), apiVersion: apiVersionOf(type), kind: type.kind,
      metadata: { ...clone(obj.metadata), name, namespace: ns, uid: `uid-${++this.s.uid}`, creationTimestamp: new Date().toISOString() },
    };
    return this.write(type, k, 'ADDED', stored) as T;
  }

  async update<T extends KubeObject = KubeObject>(type: ResourceType, obj: T): Promise<T> {
    const ns = type.namespaced ? obj.metadata?.namespace : undefined;
    const name = obj.metadata?.name ?? '';
    await this.enter('update', type, { namespace: ns, name });
    const k = objKey(type, ns, name);
    const prev = this.bucket(type).get(k);
    if (!prev) throw notFound(type.plural, type.group, name);
    const rv = obj.metadata?.resourceVersion;
    if (rv && rv !== prev.metadata?.resourceVersion) throw conflict(type.plural, type.group, name, OPTIMISTIC_LOCK_MESSAGE);
    const next: KubeObject = {
      ...clone(obj), apiVersion: prev.apiVersion, kind: prev.kind,
      metadata: { ...clone(obj.metadata), uid: prev.metadata?.uid, creationTimestamp: prev.metadata?.creationTimestamp, name, namespace: ns },
    };
    return this.write(type, k, 'MODIFIED', next, prev) as T;
  }

  updateStatus<T extends KubeObject = KubeObject>(type: ResourceType, obj: T): Promise<T> { return this.update(type, obj); }

  async patch<T extends KubeObject = KubeObject>(type: ResourceType, key: ObjectKey, patchType: PatchType, patch: unknown): Promise<T> {
    if (patchType !== 'merge') throw badRequest(`fake client supports only merge patches, got ${patchType}`);
    const current = await this.get(type, key);
    const merged = mergePatch(current, patch) as KubeObject;
    merged.metadata = { ...merged.metadata, resourceVersion: current.metadata?.resourceVersion };
    return this.update(type, merged as T);
  }

  async delete(type: ResourceType, key: ObjectKey, opts?: DeleteOptions): Promise<KubeObject> {
    await this.enter('delete', type, key);
    const k = objKey(type, type.namespaced ? key.namespace : undefined, key.name);
    const prev = this.bucket(type).get(k);
    if (!prev) throw notFound(type.plural, type.group, key.name);
    const want = opts?.preconditions?.resourceVersion;
    if (want && want !== prev.metadata?.resourceVersion) throw conflict(type.plural, type.group, key.name, OPTIMISTIC_LOCK_MESSAGE);
    return this.write(type, k, 'DELETED', clone(prev), prev);
  }

  async createSubresource(type: ResourceType): Promise<KubeObject> {
    throw new ApiError(405, 'MethodNotAllowed', `fake client has no subresources (${type.plural})`);
  }

  watch<T extends KubeObject = KubeObject>(type: ResourceType, opts: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    return this.stream(type, opts, signal) as AsyncIterable<WatchEvent<T>>;
  }

  // ── internals ──
  private async *stream(type: ResourceType, opts: WatchOptions, signal: AbortSignal): AsyncGenerator<WatchEvent> {
    await this.enter('watch', type, undefined, opts);
    if (this.s.watchFailures.length) throw this.s.watchFailures.shift();
    const typeKey = typeKeyOf(type);
    const matches = selectorMatcher(type.namespaced ? opts.namespace : undefined, opts.labelSelector);
    const w: OpenWatch = { typeKey, kind: type.kind, matches, bookmarks: opts.allowWatchBookmarks ?? false, buffer: [] };
    const rv = opts.resourceVersion;
    if (rv === '' || rv === '0') {
      for (const o of this.bucket(type).values()) if (matches(o)) w.buffer.push({ type: 'ADDED', object: clone(o) });
    } else if (Number(rv) < this.s.compactedRev) {
      yield { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: `too old resource version: ${rv} (${this.s.rev})` } };
      return;
    } else {
      for (const e of this.s.log) if (e.rev > Number(rv)) this.deliver(w, e);
    }
    this.s.watches.add(w);
    const onAbort = () => w.wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (signal.aborted) return;
        const ev = w.buffer.shift();
        if (ev) { yield ev; continue; }
        if (w.end) { if (w.end.error !== undefined) throw w.end.error; return; }
        await new Promise<void>((r) => { w.wake = r; });
        w.wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.s.watches.delete(w);
    }
  }

  private async enter(verb: Verb, type: ResourceType, key?: ObjectKey, opts?: unknown): Promise<void> {
    this.s.calls.push({ verb, type: type.plural, opts });
    await this.hooks.before?.(verb, type, key);
    if (this.s.partitioned) throw networkError();
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const k = typeKeyOf(type);
    let b = this.s.objects.get(k);
    if (!b) this.s.objects.set(k, (b = new Map()));
    return b;
  }

  private write(type: ResourceType, k: string, evType: LogEntry['type'], obj: KubeObject, prev?: KubeObject): KubeObject {
    const rev = ++this.s.rev;
    obj.metadata = { ...obj.metadata, resourceVersion: String(rev) };
    if (evType === 'DELETED') this.bucket(type).delete(k);
    else this.bucket(type).set(k, obj);
    const entry: LogEntry = { rev, typeKey: typeKeyOf(type), type: evType, object: clone(obj), prev: prev && clone(prev) };
    this.s.log.push(entry);
    for (const w of this.s.watches) this.deliver(w, entry);
    return clone(obj);
  }

  /** The event one watcher sees: objects entering or leaving its selector are ADDED/DELETED. */
  private deliver(w: OpenWatch, e: LogEntry): void {
    if (w.typeKey !== e.typeKey || w.end) return;
    const now = e.type !== 'DELETED' && w.matches(e.object);
    const before = e.type === 'ADDED' ? false : e.prev ? w.matches(e.prev) : false;
    const type = e.type === 'DELETED' ? (before ? 'DELETED' : undefined)
      : now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
    if (type) this.push(w, { type, object: clone(e.object) });
  }

  private push(w: OpenWatch, ev: WatchEvent): void {
    w.buffer.push(ev);
    w.wake?.();
  }
}
