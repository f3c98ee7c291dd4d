// managedFields on every write, composed as upstream's default field manager composes it
// (k8s.io/apimachinery/pkg/util/managedfields): updates record what the writer changed,
// applies merge a configuration and record what the applier owns. Around the ownership core
// (updater.ts): apiVersion/kind/name/uid/... are never owned; status is not owned through the
// main resource, and only status through /status; a writer's entry gets a new time only when
// its fields changed; at most 10 update entries are kept (older ones fold into
// "ancient-changes"); objects that have no managedFields are not given any by an update.
import { ApiError, badRequest, jsonCopy, type KubeObject } from '../../core/index.js';
import { fieldPE } from './fieldpath.js';
import { FieldSet } from './fieldset.js';
import { goZero } from './go-shape.js';
import { KUBECTL_APPLIER, buildLastApplied, fieldsAppliedClientSide, lastApplied, setLastApplied } from './last-applied.js';
import {
  copyManaged, decodeManaged, emptyManaged, encodeManaged, isResetManagedFields, managerIdentity, printManager,
  type Managed,
} from './managers.js';
import type { StructNode } from './schema-model.js';
import { pathString } from './fieldpath.js';
import { toFieldSet, validationText } from './typed-fieldset.js';
import { ApplyConflicts, allTopLevelBut, applyOwnership, updateOwnership, type Conflict, type ManagerSets } from './updater.js';

export interface FieldManagerScope {
  readonly root: StructNode;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** 'status' for /status writes; undefined for the main resource. */
  readonly subresource?: string;
  /** RFC 3339, seconds. */
  readonly now: string;
}

type Obj = Record<string, unknown>;

const STRIPPED = FieldSet.of(
  ...[['apiVersion'], ['kind'], ['metadata'], ['metadata', 'name'], ['metadata', 'namespace'], ['metadata', 'creationTimestamp'],
    ['metadata', 'selfLink'], ['metadata', 'uid'], ['metadata', 'clusterName'], ['metadata', 'generation'],
    ['metadata', 'managedFields'], ['metadata', 'resourceVersion']].map((p) => p.map(fieldPE)),
);

const MAX_UPDATE_MANAGERS = 10;
/** The name the current update is recorded under before it joins the writer's entry. */
const CURRENT = 'current-operation';

const groupVersion = (s: FieldManagerScope): string => (s.group ? `${s.group}/${s.version}` : s.version);

// Per kind, computed once: the ignored sets (updater.ts keys what it derives from them on them)
// and the zero object a create is compared against. Neither is ever changed.
const ignoredByRoot = new WeakMap<StructNode, { main: FieldSet; status: FieldSet }>();
const zeroByRoot = new WeakMap<StructNode, Obj>();

function ignoredFields(s: FieldManagerScope): FieldSet {
  let sets = ignoredByRoot.get(s.root);
  if (!sets) {
    sets = {
      main: s.root.fields.has('status') ? FieldSet.of([fieldPE('status')]) : new FieldSet(),
      status: allTopLevelBut(s.root, 'status'),
    };
    ignoredByRoot.set(s.root, sets);
  }
  return s.subresource === 'status' ? sets.status : sets.main;
}

function zeroOf(root: StructNode): Obj {
  let zero = zeroByRoot.get(root);
  if (!zero) {
    zero = deepFreeze(goZero(root));
    zeroByRoot.set(root, zero);
  }
  return zero;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) deepFreeze((v as Obj)[k]);
    Object.freeze(v);
  }
  return v;
}

function withoutManagedFields(obj: KubeObject | Obj): Obj {
  const copy = jsonCopy(obj) as Obj;
  if (copy.metadata && typeof copy.metadata === 'object') delete (copy.metadata as Obj).managedFields;
  return copy;
}

/** The same view without copying: for comparisons only, which never change their inputs. */
function withoutManagedFieldsView(obj: KubeObject | Obj): Obj {
  const meta = (obj as Obj).metadata;
  if (!meta || typeof meta !== 'object' || !('managedFields' in meta)) return obj as Obj;
  const { managedFields: _mf, ...rest } = meta as Obj;
  return { ...obj, metadata: rest };
}

// The registry hands over the stored object decoded once and deep-frozen, the same object to
// every write that starts from that revision (retries, writers racing): its entries are
// decoded once. The Managed given out is only read.
const decodedFrozen = new WeakMap<object, Managed>();

function decodeOrEmpty(entries: unknown): Managed {
  const frozen = isFrozenEntries(entries);
  if (frozen) {
    const hit = decodedFrozen.get(entries);
    if (hit) return hit;
  }
  let managed: Managed;
  try {
    managed = decodeManaged(entries);
  } catch {
    managed = emptyManaged();
  }
  if (frozen) decodedFrozen.set(entries, managed);
  return managed;
}

/** The array, its entries and their fieldsV1 frozen: what was decoded cannot change. */
function isFrozenEntries(entries: unknown): entries is readonly unknown[] {
  if (!Array.isArray(entries) || !Object.isFrozen(entries)) return false;
  for (const e of entries) {
    if (e !== null && typeof e === 'object' && (!Object.isFrozen(e) || !Object.isFrozen((e as Obj).fieldsV1 ?? e))) return false;
  }
  return true;
}

function stripMeta(sets: ManagerSets, id: string): void {
  const vs = sets.get(id);
  if (!vs) return;
  const set = vs.set.difference(STRIPPED);
  if (set.empty()) sets.delete(id);
  else sets.set(id, { ...vs, set });
}

function writeManaged(obj: Obj, managed: Managed, before?: Managed): void {
  const meta = (obj.metadata ??= {}) as Obj;
  if (before) keepEqualSets(managed.sets, before.sets);
  const entries = encodeManaged(managed);
  if (entries) meta.managedFields = entries;
  else delete meta.managedFields;
}

/**
 * Sets equal to the ones a manager had before become those very sets again, whose FieldsV1
 * encoding is already known (encodings are cached per set).
 */
function keepEqualSets(sets: ManagerSets, before: ManagerSets): void {
  for (const [id, vs] of sets) {
    const old = before.get(id);
    if (old && old.set !== vs.set && old.set.equals(vs.set)) sets.set(id, { ...vs, set: old.set });
  }
}

/** Records an update (create when `live` is undefined) by `manager` in next.metadata.managedFields. */
export function recordUpdate(scope: FieldManagerScope, live: KubeObject | undefined, next: KubeObject, manager: string): void {
  const requested = next.metadata?.managedFields;
  let managed: Managed;
  if (scope.subresource) managed = decodeOrEmpty(live?.metadata?.managedFields);
  else if (isResetManagedFields(requested)) managed = emptyManaged();
  else {
    managed = decodeOrEmpty(requested);
    if (managed.sets.size === 0) managed = decodeOrEmpty(live?.metadata?.managedFields);
  }
  if (managed.sets.size === 0 && live !== undefined) {
    // Upstream starts tracking on create or apply, never on an update of an untracked object.
    if (next.metadata) delete next.metadata.managedFields;
    return;
  }
  const gv = groupVersion(scope);
  const id = managerIdentity({ manager: manager || 'unknown', operation: 'Update', apiVersion: gv, subresource: scope.subresource });
  const before = live ? withoutManagedFieldsView(live) : zeroOf(scope.root);
  const sets = updateOwnership(scope.root, before, withoutManagedFieldsView(next), gv, managed.sets, CURRENT, ignoredFields(scope));
  stripMeta(sets, CURRENT);
  const times = new Map(managed.times);
  const mine = sets.get(CURRENT);
  if (mine) {
    sets.delete(CURRENT);
    const previous = sets.get(id);
    sets.set(id, { set: previous ? mine.set.union(previous.set) : mine.set, apiVersion: gv, applied: false });
    times.set(id, scope.now);
  }
  capUpdateManagers(sets, times);
  writeManaged(next as Obj, { sets, times }, managed);
}

/** Folds the oldest update entries per version into "ancient-changes" beyond ten of them. */
function capUpdateManagers(sets: ManagerSets, times: Map<string, string | undefined>): void {
  let n = 0;
  for (const vs of sets.values()) if (!vs.applied) n++;
  if (n <= MAX_UPDATE_MANAGERS) return;
  const updaters = [...sets].filter(([, vs]) => !vs.applied).map(([id]) => id);
  const secs = (id: string) => Math.floor(Date.parse(times.get(id) ?? '') / 1000) || 0;
  updaters.sort((a, b) => secs(a) - secs(b) || (a < b ? -1 : a > b ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let count = updaters.length;
  for (let i = 0; i < updaters.length && count > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i];
    const vs = sets.get(id)!;
    const bucket = managerIdentity({ manager: 'ancient-changes', operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstOfVersion.get(vs.apiVersion);
    if (first === undefined) { firstOfVersion.set(vs.apiVersion, id); continue; }
    if (!sets.has(bucket)) {
      sets.set(bucket, sets.get(first)!);
      sets.delete(first);
    }
    sets.set(bucket, { ...vs, set: vs.set.union(sets.get(bucket)!.set) });
    sets.delete(id);
    times.set(bucket, times.get(id));
    count--;
  }
}

function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = av.indexOf('/');
  const [group, version] = slash < 0 ? ['', av] : [av.slice(0, slash), av.slice(slash + 1)];
  return `${group}/${version}, Kind=${typeof kind === 'string' ? kind : ''}`;
}

/**
 * Server-side apply of `config` (a parsed apply body) onto `live` (undefined: the object does
 * not exist yet). Returns the merged object, with managedFields, still to be decoded and stored.
 */
export function recordApply(scope: FieldManagerScope, live: KubeObject | undefined, config: Obj, manager: string, force: boolean): Obj {
  if (config.apiVersion !== groupVersion(scope) || config.kind !== scope.kind) {
    throw badRequest(`invalid object type: ${gvkString(config.apiVersion, config.kind)}`);
  }
  let result: Obj;
  try {
    result = applyOnce(scope, live, config, manager, force);
  } catch (e) {
    if (!(e instanceof ApplyConflicts)) throw e;
    const own = manager === KUBECTL_APPLIER && live ? fieldsAppliedClientSide(scope.root, groupVersion(scope), withoutManagedFields(live)) : undefined;
    const rest = own ? e.conflicts.filter((c) => !own.has(c.path)) : e.conflicts;
    if (rest.length) throw conflictError(rest);
    result = applyOnce(scope, live, config, manager, true);
  }
  if (manager === KUBECTL_APPLIER && lastApplied(result)) setLastApplied(result, buildLastApplied(config));
  return result;
}

function applyOnce(scope: FieldManagerScope, live: KubeObject | undefined, config: Obj, manager: string, force: boolean): Obj {
  let managed: Managed;
  try {
    managed = copyManaged(decodeManaged(live?.metadata?.managedFields));
  } catch (e) {
    throw new ApiError(500, 'InternalError', `failed to decode managed fields: ${(e as Error).message}`);
  }
  const meta = config.metadata as Obj | undefined;
  if (meta && meta.managedFields !== undefined && meta.managedFields !== null) throw badRequest('metadata.managedFields must be nil');
  const { errors } = toFieldSet(scope.root, config);
  if (errors.length) {
    const who = `${typeof meta?.namespace === 'string' ? meta.namespace : ''}/${typeof meta?.name === 'string' ? meta.name : ''}`;
    // Upstream answers 500 here; the configuration is the client's mistake, so 400.
    throw badRequest(`failed to create typed patch object (${who}; ${gvkString(config.apiVersion, config.kind)}): ${validationText(errors)}`);
  }
  const before = live ? withoutManagedFields(live) : {};
  const gv = groupVersion(scope);
  const id = managerIdentity({ manager, operation: 'Apply', subresource: scope.subresource });
  const { object, managers } = applyOwnership(scope.root, before, config, gv, managed.sets, id, force, ignoredFields(scope));
  stripMeta(managers, id);
  const times = new Map(managed.times);
  if (object !== undefined) times.set(id, scope.now);
  const result = (object ?? before) as Obj;
  writeManaged(result, { sets: managers, times });
  return result;
}

/** 409 as upstream words it: `Apply failed with 1 conflict: conflict with "x" using apps/v1: .spec.replicas`. */
export function conflictError(conflicts: readonly Conflict[]): ApiError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), pathString(c.path)]);
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) lines.push(`conflicts with ${printManager(m)}:`, ...byManager.get(m)!.map((p) => `- ${p}`));
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}
