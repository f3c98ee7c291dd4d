// managedFields on every write, composed as upstream's default field manager composes it
// (k8s.io/apimachinery/pkg/util/managedfields): updates record what the writer changed,
// applies merge a configuration and record what the applier owns. Around the ownership core
// (updater.ts): apiVersion/kind/name/uid/... are never owned; status is not owned through the
// main resource, and only status through /status; a writer's entry gets a new time only when
// its fields changed; at most 10 update entries are kept (older ones fold into
// "ancient-changes"); objects that have no managedFields are not given any by an update.
import type { KubeObject } from '../../../../core/index.js';
import { fieldPE } from '../../fieldpath.js';
import { FieldSet } from './fieldset.js';
import { goZero } from './go-shape.js';
import { decodeManaged, emptyManaged, encodeManaged, isResetManagedFields, managerIdentity, type Managed } from './managers.js';
import type { StructNode } from '../../schema-model.js';
import { allTopLevelBut, updateOwnership, type ManagerSets } from './updater.js';

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

function ignoredFields(s: FieldManagerScope): FieldSet {
  if (s.subresource === 'status') return allTopLevelBut(s.root, 'status');
  return s.root.fields.has('status') ? FieldSet.of([fieldPE('status')]) : new FieldSet();
}

/** The same view without copying: for comparisons only, which never change their inputs. */
function withoutManagedFieldsView(obj: KubeObject | Obj): Obj {
  const meta = (obj as Obj).metadata;
  if (!meta || typeof meta !== 'object' || !('managedFields' in meta)) return obj as Obj;
  const { managedFields: _mf, ...rest } = meta as Obj;
  return { ...obj, metadata: rest };
}

function decodeOrEmpty(entries: unknown): Managed {
  try {
    return decodeManaged(entries);
  } catch {
    return emptyManaged();
  }
}

function stripMeta(sets: ManagerSets, id: string): void {
  const vs = sets.get(id);
  if (!vs) return;
  const set = vs.set.difference(STRIPPED);
  if (set.empty()) sets.delete(id);
  else sets.set(id, { ...vs, set });
}

function writeManaged(obj: Obj, managed: Managed): void {
  const meta = (obj.metadata ??= {}) as Obj;
  const entries = encodeManaged(managed);
  if (entries) meta.managedFields = entries;
  else delete meta.managedFields;
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
  const before = live ? withoutManagedFieldsView(live) : goZero(scope.root);
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
  writeManaged(next as Obj, { sets, times });
}

/** Folds the oldest update entries per version into "ancient-changes" beyond ten of them. */
function capUpdateManagers(sets: ManagerSets, times: Map<string, string | undefined>): void {
  const updaters = [...sets].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
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

