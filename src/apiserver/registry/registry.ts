// The generic registry: create/get/list/update/delete for every kind over the byte store,
// with strategies for kind-specific rules and admission for cross-object rules
// (upstream: k8s.io/apiserver/pkg/registry/generic/registry.Store).
import {
  ApiError, alreadyExists, apiVersionOf, badRequest, conflict, invalid, jsonCopy, notFound, OPTIMISTIC_LOCK_MESSAGE,
  type FieldError, type KubeObject, type ResourceType,
} from '../../core/index.js';
import { isStoreError, type Store } from '../../store/index.js';
import type { AdmissionAttributes, AdmissionPlugin, AdmissionReader, Operation } from '../admission/types.js';
import type { ListResult, UserInfo } from '../request.js';
import { decodeObject, encodeObject } from './codec.js';
import { collectionPrefix, decodeContinue, encodeContinue, objectKey } from './keys.js';
import { fillCreateMeta, generatedName, keepMetaForStatus, keepSystemMeta, sameObject, specChanged } from './meta.js';
import { sameManagedFields, trackCreate, trackUpdate } from './managed-fields.js';
import { ObjectCache, type Written } from './object-cache.js';
import { storeErrorToApi } from './store-errors.js';
import type { ResourceStrategy } from './strategy.js';
import { validateGenericMeta, validateGenericMetaUpdate } from './validate-meta.js';

export interface WriteOptions {
  readonly user: UserInfo;
  readonly dryRun?: boolean;
  readonly fieldManager?: string;
  readonly subresource?: string;
}

export interface ListOptions {
  readonly filter?: (obj: KubeObject) => boolean;
  readonly limit?: number;
  readonly continueToken?: string;
  /** '' = latest; '0' = any (we serve latest); a number = not older than it, or exactly it. */
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: string;
}

export type Mutation = (current: KubeObject) => KubeObject | Promise<KubeObject>;

const MAX_CAS_RETRIES = 16;

export class Registry {
  readonly #store: Store;
  readonly #strategies: ReadonlyMap<ResourceType, ResourceStrategy>;
  readonly #admission: readonly AdmissionPlugin[];
  readonly #clock: () => Date;
  readonly reader: AdmissionReader;
  /** Decoded, frozen objects by key and revision, shared by writers, readers and watches. */
  readonly objects = new ObjectCache();

  constructor(opts: {
    store: Store; strategies: ReadonlyMap<ResourceType, ResourceStrategy>;
    admission: readonly AdmissionPlugin[]; clock?: () => Date;
  }) {
    this.#store = opts.store;
    this.#strategies = opts.strategies;
    this.#admission = opts.admission;
    this.#clock = opts.clock ?? (() => new Date());
    // Admission reads the same few objects (the namespace, the storage classes) on every
    // write: the stored bytes are still read, but decoded once per revision (upstream's
    // admission plugins read informer caches for the same reason).
    this.reader = {
      get: async (type, ns, name) => {
        const kv = await this.#store.get(objectKey(type, ns, name));
        return kv ? this.objects.decode(type, kv) : undefined;
      },
      list: async (type, ns) => {
        const page = await this.#store.list(collectionPrefix(type, ns));
        return page.kvs.map((kv) => this.objects.decode(type, kv));
      },
    };
  }

  get store(): Store { return this.#store; }
  now(): Date { return this.#clock(); }

  strategy(type: ResourceType): ResourceStrategy {
    const s = this.#strategies.get(type);
    if (!s) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${type.plural})`);
    return s;
  }

  async tryGet(type: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    // A copy of its own: readers may change what they get (writers get the shared, frozen one).
    const kv = await this.#store.get(objectKey(type, namespace, name));
    return kv ? decodeObject(type, kv) : undefined;
  }

  async get(type: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject> {
    const obj = await this.tryGet(type, namespace, name);
    if (!obj) throw notFound(type.plural, type.group, name);
    return obj;
  }

  async list(type: ResourceType, namespace: string | undefined, opts: ListOptions): Promise<ListResult> {
    const prefix = collectionPrefix(type, namespace);
    let revision = 0;
    let startAfter: string | undefined;
    if (opts.continueToken) {
      ({ revision, startAfter } = decodeContinue(opts.continueToken, prefix));
    } else if (opts.resourceVersion && opts.resourceVersion !== '0') {
      const wanted = parseRevision(opts.resourceVersion);
      // Exact reads are for pagination; otherwise "not older than" is served from the latest state.
      const exact = opts.resourceVersionMatch === 'Exact' || (!opts.resourceVersionMatch && !!opts.limit);
      if (exact) revision = wanted;
      else if (wanted > await this.#store.currentRevision()) {
        throw new ApiError(504, 'Timeout', `Too large resource version: ${wanted}, current: ${await this.#store.currentRevision()}`, { retryAfterSeconds: 1 });
      }
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: KubeObject[] = [];
    let more = false;
    let lastKey: string | undefined;
    try {
      // Selectors filter after reading, so keep reading pages until the limit is filled.
      for (;;) {
        const page = await this.#store.list(prefix, {
          revision: revision || undefined, startAfter, limit: limit ? Math.max(limit - items.length, 1) * (opts.filter ? 2 : 1) : 0,
        });
        revision = page.revision;
        let stopped = false;
        for (const kv of page.kvs) {
          lastKey = kv.key;
          const obj = decodeObject(type, kv);
          if (!opts.filter || opts.filter(obj)) items.push(obj);
          if (limit && items.length >= limit) { stopped = kv !== page.kvs[page.kvs.length - 1] || page.more; break; }
        }
        if (limit && items.length >= limit) { more = stopped; break; }
        if (!page.more || page.kvs.length === 0) break;
        startAfter = page.kvs[page.kvs.length - 1].key;
      }
    } catch (e) {
      if (isStoreError(e, 'Compacted') && opts.continueToken) {
        throw new ApiError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      throw storeErrorToApi(e, type, revision);
    }
    const metadata: ListResult['metadata'] = { resourceVersion: String(revision) };
    if (more && lastKey) metadata.continue = encodeContinue(revision, lastKey, prefix);
    return { kind: type.listKind, apiVersion: apiVersionOf(type), metadata, items };
  }

  /** `owned`: the caller hands `input` over (a freshly decoded body), so it is changed in place. */
  async create(type: ResourceType, namespace: string | undefined, input: KubeObject, opts: WriteOptions, owned = false): Promise<KubeObject> {
    const strategy = this.strategy(type);
    const obj = owned ? input : jsonCopy(input);
    obj.apiVersion = apiVersionOf(type);
    obj.kind = type.kind;
    const meta = (obj.metadata ??= {});
    if (type.namespaced) meta.namespace = namespace; else delete meta.namespace;
    const generate = !meta.name && !!meta.generateName;
    if (generate) meta.name = generatedName(meta.generateName!);
    const now = this.#clock();
    strategy.defaults(obj);
    trackCreate(type, obj, opts, now); // managed-fields hook: the writer, before the strategy runs
    strategy.prepareForCreate(obj, { now });
    fillCreateMeta(obj, now, strategy.generation);
    await this.#runAdmission('CREATE', type, obj, undefined, opts);
    this.#check(type, obj, [...validateGenericMeta(obj, type), ...strategy.validate(obj)]);
    await this.#runValidation('CREATE', type, obj, undefined, opts);
    if (opts.dryRun) {
      if (await this.tryGet(type, namespace, meta.name!)) throw alreadyExists(type.plural, type.group, meta.name!);
      return obj;
    }
    try {
      const written: Written = { type, object: obj };
      const kv = await this.#store.create(objectKey(type, namespace, meta.name!), encodeObject(obj), written);
      return this.objects.decode(type, kv);
    } catch (e) {
      if (isStoreError(e, 'KeyExists')) {
        const err = alreadyExists(type.plural, type.group, meta.name!);
        if (generate) {
          throw new ApiError(409, 'AlreadyExists', `${err.message}; the server was not able to generate a unique name for the object`, err.details);
        }
        throw err;
      }
      throw storeErrorToApi(e, type);
    }
  }

  /**
   * PUT: replace the object (or its status), optionally with an optimistic-lock resourceVersion.
   * `owned` as for create: with a resourceVersion there is one attempt, which may use `input` itself.
   */
  async update(type: ResourceType, namespace: string | undefined, name: string, input: KubeObject, opts: WriteOptions, owned = false): Promise<KubeObject> {
    const wantedRv = input.metadata?.resourceVersion;
    if (input.metadata?.name && input.metadata.name !== name) {
      throw badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
    }
    let handOver = owned && !!wantedRv;
    return this.#guaranteedUpdate(type, namespace, name, (current) => {
      if (wantedRv && wantedRv !== current.metadata?.resourceVersion) {
        throw conflict(type.plural, type.group, name, OPTIMISTIC_LOCK_MESSAGE);
      }
      const next = handOver ? input : jsonCopy(input);
      handOver = false;
      (next.metadata ??= {}).name = name;
      return next;
    }, opts, !wantedRv, false, wantedRv);
  }

  /**
   * Read-modify-write with compare-and-swap. `mutate` gets the current object and returns the
   * desired one; it reruns on a conflict when `retryOnConflict` (no client-supplied precondition).
   */
  async guaranteedUpdate(type: ResourceType, namespace: string | undefined, name: string, mutate: Mutation,
    opts: WriteOptions, retryOnConflict = true): Promise<KubeObject> {
    return this.#guaranteedUpdate(type, namespace, name, mutate, opts, retryOnConflict, true, undefined);
  }

  /**
   * The current object: the cached one when there is one (a hint, confirmed by the write's
   * compare-and-swap), else read from the store. `fresh` says whether it was read just now.
   */
  async #current(type: ResourceType, key: string, name: string, useHint: boolean): Promise<{ object: KubeObject; revision: number; fresh: boolean }> {
    const hint = useHint ? this.objects.latest(type, key) : undefined;
    if (hint) return { ...hint, fresh: false };
    const kv = await this.#store.get(key);
    if (!kv) throw notFound(type.plural, type.group, name);
    return { object: this.objects.decode(type, kv), revision: kv.modRevision, fresh: true };
  }

  /** Whether `revision` is still the key's newest (a cached object was not stale). */
  async #isNewest(key: string, revision: number): Promise<boolean> {
    return (await this.#store.get(key))?.modRevision === revision;
  }

  /**
   * `copy`: mutate gets its own copy of the current object; else the one the registry compares with, read-only.
   * `precondition`: the client's resourceVersion. A cached object is used only when it has that
   * version: if it is stale the newest cannot have it either, so the rerun fails on the
   * precondition before it touches the input a first attempt may have consumed (handed over).
   */
  async #guaranteedUpdate(type: ResourceType, namespace: string | undefined, name: string, mutate: Mutation,
    opts: WriteOptions, retryOnConflict: boolean, copy: boolean, precondition: string | undefined): Promise<KubeObject> {
    const strategy = this.strategy(type);
    const key = objectKey(type, namespace, name);
    let useHint = precondition === undefined || this.objects.latest(type, key)?.revision === Number(precondition);
    for (let attempt = 0; ; attempt++) {
      const { object: current, revision, fresh } = await this.#current(type, key, name, useHint);
      // Whatever a cached object leads to (an error, a no-op, a conflict) is only trusted
      // once it is known to be the newest; otherwise the attempt reruns on a fresh read, as
      // upstream's GuaranteedUpdate does with its cached existing object.
      useHint = false;
      let next: KubeObject;
      try {
        next = await this.#prepareUpdate(type, strategy, current, mutate, opts, copy);
      } catch (e) {
        if (!fresh && !(await this.#isNewest(key, revision))) { attempt--; continue; }
        throw e;
      }
      if (next === current) {
        if (!fresh && !(await this.#isNewest(key, revision))) { attempt--; continue; }
        return current;
      }
      if (opts.dryRun) {
        if (!fresh && !(await this.#isNewest(key, revision))) { attempt--; continue; }
        return next;
      }
      try {
        if (shouldFinalize(next)) {
          const gone = await this.#store.delete(key, revision);
          this.objects.forget(key, gone.modRevision);
          return next;
        }
        const written: Written = { type, object: next };
        return this.objects.decode(type, await this.#store.update(key, encodeObject(next), revision, written));
      } catch (e) {
        if (isStoreError(e, 'Conflict') && !fresh) { attempt--; continue; }
        if (isStoreError(e, 'Conflict') && retryOnConflict && attempt < MAX_CAS_RETRIES) continue;
        if (isStoreError(e, 'Conflict')) throw conflict(type.plural, type.group, name, OPTIMISTIC_LOCK_MESSAGE);
        if (isStoreError(e, 'NotFound')) throw notFound(type.plural, type.group, name);
        throw storeErrorToApi(e, type);
      }
    }
  }

  /** The object an update turns `current` into, checked and admitted; `current` itself when nothing changes. */
  async #prepareUpdate(type: ResourceType, strategy: ResourceStrategy, current: KubeObject, mutate: Mutation,
    opts: WriteOptions, copy: boolean): Promise<KubeObject> {
    const next = await mutate(copy ? jsonCopy(current) : current);
    next.apiVersion = apiVersionOf(type);
    next.kind = type.kind;
    const status = opts.subresource === 'status';
    // binding/finalize: the handler already made the one permitted change; no strategy rules.
    const internal = !!opts.subresource && !status;
    if (!internal) strategy.defaults(next);
    if (!internal) trackUpdate(type, current, next, opts, this.#clock()); // managed-fields hook
    if (status) {
      keepMetaForStatus(next, current);
      strategy.prepareForStatusUpdate(next, current, { now: this.#clock() });
    } else if (internal) {
      keepSystemMeta(next, current);
    } else {
      this.#check(type, next, validateGenericMetaUpdate(next, current));
      keepSystemMeta(next, current);
      strategy.prepareForUpdate(next, current);
      if (strategy.generation && specChanged(next, current)) {
        next.metadata!.generation = (current.metadata?.generation ?? 0) + 1;
      }
    }
    if (sameObject(next, current) && sameManagedFields(next, current)) return current; // managed-fields hook
    await this.#runAdmission('UPDATE', type, next, current, opts);
    const errs = internal ? [] : status ? strategy.validateStatusUpdate(next, current) : strategy.validateUpdate(next, current);
    this.#check(type, next, errs);
    await this.#runValidation('UPDATE', type, next, current, opts);
    return next;
  }

  /**
   * Write an object exactly as given (system metadata included), compare-and-swap on revision.
   * For the registry's own deletion bookkeeping only: no strategy, no admission.
   */
  async replaceInternal(type: ResourceType, obj: KubeObject, expectedRevision: number): Promise<KubeObject> {
    const meta = obj.metadata ?? {};
    const key = objectKey(type, meta.namespace, meta.name ?? '');
    try {
      return this.objects.decode(type, await this.#store.update(key, encodeObject(obj), expectedRevision));
    } catch (e) {
      if (isStoreError(e, 'NotFound')) throw notFound(type.plural, type.group, meta.name ?? '');
      if (isStoreError(e, 'Conflict')) throw conflict(type.plural, type.group, meta.name ?? '', OPTIMISTIC_LOCK_MESSAGE);
      throw storeErrorToApi(e, type);
    }
  }

  /** Remove the object from the store now (after finalizers and grace are settled). */
  async remove(type: ResourceType, namespace: string | undefined, name: string, expectedRevision: number): Promise<void> {
    const key = objectKey(type, namespace, name);
    try {
      const gone = await this.#store.delete(key, expectedRevision);
      this.objects.forget(key, gone.modRevision);
    } catch (e) {
      if (isStoreError(e, 'NotFound')) throw notFound(type.plural, type.group, name);
      if (isStoreError(e, 'Conflict')) throw conflict(type.plural, type.group, name, OPTIMISTIC_LOCK_MESSAGE);
      throw storeErrorToApi(e, type);
    }
  }

  async admitDelete(type: ResourceType, obj: KubeObject, opts: WriteOptions): Promise<void> {
    await this.#runAdmission('DELETE', type, undefined, obj, opts);
    await this.#runValidation('DELETE', type, undefined, obj, opts);
  }

  #check(type: ResourceType, obj: KubeObject, errs: readonly FieldError[]): void {
    if (errs.length) throw invalid(type.kind, type.group, obj.metadata?.name ?? '', errs);
  }

  #attrs(operation: Operation, type: ResourceType, obj: KubeObject | undefined, old: KubeObject | undefined, opts: WriteOptions): AdmissionAttributes {
    const meta = (obj ?? old)?.metadata ?? {};
    return {
      operation, type, subresource: opts.subresource, namespace: meta.namespace, name: meta.name ?? '',
      object: obj, oldObject: old, user: opts.user, dryRun: !!opts.dryRun, reader: this.reader,
    };
  }

  async #runAdmission(op: Operation, type: ResourceType, obj: KubeObject | undefined, old: KubeObject | undefined, opts: WriteOptions) {
    const attrs = this.#attrs(op, type, obj, old, opts);
    for (const p of this.#admission) if (p.admit) await p.admit(attrs);
  }

  async #runValidation(op: Operation, type: ResourceType, obj: KubeObject | undefined, old: KubeObject | undefined, opts: WriteOptions) {
    const attrs = this.#attrs(op, type, obj, old, opts);
    for (const p of this.#admission) if (p.validate) await p.validate(attrs);
  }
}

/** An object marked for deletion whose finalizers are all gone and whose grace has run out. */
export function shouldFinalize(obj: KubeObject): boolean {
  const m = obj.metadata;
  return !!m?.deletionTimestamp && !(m.finalizers?.length) && (m.deletionGracePeriodSeconds ?? 0) === 0
    && !hasSpecFinalizers(obj);
}

/** Namespaces also wait for spec.finalizers (the namespace controller empties them). */
export function hasSpecFinalizers(obj: KubeObject): boolean {
  const spec = obj.spec as { finalizers?: string[] } | undefined;
  return obj.kind === 'Namespace' && !!spec?.finalizers?.length;
}

export function parseRevision(rv: string): number {
  const n = Number(rv);
  if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) {
    throw badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  }
  return n;
}
