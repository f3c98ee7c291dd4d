// Field ownership on writes (structured-merge-diff's merge.Updater), on plain JSON values:
//   update: the writer takes every field it added or changed; fields it changed are taken away
//           from everyone else (an update never conflicts); removed fields leave every set.
//   apply:  the configuration is merged into the live object; the applier owns exactly the
//           configuration's fields; items it applied last time and no longer applies are
//           removed unless another applier owns them; changing a field someone else owns is a
//           conflict unless forced, and forcing takes the field away from them.
// `ignored` are the fields the strategy resets (status on the main resource): never owned.
import { fieldPE, type Path } from './fieldpath.js';
import { FieldSet } from './fieldset.js';
import { goShape } from './go-shape.js';
import type { VersionedSet } from './managers.js';
import type { TypeNode } from './schema-model.js';
import { compareTyped, jsonEqual, type Comparison } from './typed-compare.js';
import { toFieldSet } from './typed-fieldset.js';
import { mergeTyped, removeItems } from './typed-merge.js';

export type ManagerSets = Map<string, VersionedSet>;

export interface Conflict { readonly manager: string; readonly path: Path }

export class ApplyConflicts extends Error {
  constructor(readonly conflicts: readonly Conflict[]) {
    super(`${conflicts.length} apply conflicts`);
  }
}

function filtered(c: Comparison, ignored: FieldSet): Comparison {
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

// Ignored sets are a few top-level fields (status; or all but status); the comparison skips
// them at the top instead of comparing copies without them. Whatever it would find below them
// is filtered out anyway, so the result is the same.
const skipped = new WeakMap<FieldSet, ReadonlySet<string> | null>();

/** The top-level field names of `ignored`; null when it holds anything else (then nothing is skipped). */
function topLevelNames(ignored: FieldSet): ReadonlySet<string> | null {
  let names = skipped.get(ignored);
  if (names !== undefined) return names;
  const top = new Set<string>();
  for (const pe of ignored.members) top.add(pe.slice(2));
  names = ignored.children.size || [...ignored.members].some((pe) => !pe.startsWith('f:')) ? null : top;
  skipped.set(ignored, names);
  return names;
}

/** Takes changed fields from every manager but `writer` (conflicts unless `force`). */
function takeFromOthers(node: TypeNode, live: unknown, next: unknown, managers: ManagerSets, writer: string,
  force: boolean, ignored: FieldSet): Comparison {
  const skip = topLevelNames(ignored);
  // Skipped at the top, the ignored fields are in no set of the comparison: nothing to filter.
  const c = skip ? compareTyped(node, live, next, skip) : filtered(compareTyped(node, live, next), ignored);
  const changed = c.modified.union(c.added);
  const conflicts: Conflict[] = [];
  const taken = new Map<string, FieldSet>();
  for (const [manager, vs] of managers) {
    if (manager === writer) continue;
    const clash = vs.set.intersection(changed);
    if (clash.empty()) continue;
    taken.set(manager, clash);
    for (const path of clash.paths()) conflicts.push({ manager, path });
  }
  if (!force && conflicts.length) {
    throw new ApplyConflicts(conflicts.sort((a, b) => (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0)));
  }
  for (const [manager, vs] of managers) {
    if (manager === writer) continue;
    let set = vs.set;
    const clash = taken.get(manager);
    if (clash) set = set.difference(clash);
    if (!c.removed.empty()) set = set.difference(c.removed);
    if (set.empty()) managers.delete(manager);
    else if (set !== vs.set) managers.set(manager, { ...vs, set });
  }
  return c;
}

/** Managers after `writer` turned `live` into `next` by an update (not an apply). */
export function updateOwnership(node: TypeNode, live: unknown, next: unknown, apiVersion: string,
  managers: ManagerSets, writer: string, ignored: FieldSet): ManagerSets {
  const out: ManagerSets = new Map(managers);
  const c = takeFromOthers(node, live, next, out, writer, true, ignored);
  const previous = out.get(writer)?.set ?? new FieldSet();
  const set = previous.difference(c.removed).union(c.modified).union(c.added).recursiveDifference(ignored);
  if (set.empty()) out.delete(writer);
  else out.set(writer, { set, apiVersion, applied: false });
  return out;
}

/** The merged object (undefined when nothing changed) and the managers after an apply. */
export function applyOwnership(node: TypeNode, live: unknown, config: unknown, apiVersion: string,
  managers: ManagerSets, applier: string, force: boolean, ignored: FieldSet): { object: unknown; managers: ManagerSets } {
  const out: ManagerSets = new Map(managers);
  const merged = mergeTyped(node, live, config);
  let last = out.get(applier);
  if (last) last = { ...last, set: last.set.recursiveDifference(ignored) };
  out.set(applier, { set: toFieldSet(node, config).set.recursiveDifference(ignored), apiVersion, applied: true });
  const next = prune(node, merged, out, last);
  takeFromOthers(node, live, next, out, applier, force, ignored);
  const same = jsonEqual(goShape(node, live), goShape(node, next));
  return { object: same ? undefined : next, managers: out };
}

/** Removes what the applier applied last time and dropped now, unless an applier still owns it. */
function prune(node: TypeNode, merged: unknown, managers: ManagerSets, last: VersionedSet | undefined): unknown {
  if (!last || last.set.empty()) return merged;
  const first = removeItems(node, merged, last.set);
  let owned = new FieldSet();
  for (const vs of managers.values()) if (vs.applied) owned = owned.union(vs.set);
  const mergedSet = toFieldSet(node, merged).set;
  const ownedBack = removeItems(node, merged, mergedSet.difference(toFieldSet(node, first).set.union(owned)));
  // Only items the applier itself had applied may go; anything else removed above comes back.
  const gone = mergedSet.difference(toFieldSet(node, ownedBack).set).intersection(last.set);
  return removeItems(node, merged, gone);
}

/** Paths of every top-level field but `keep` (what a status write may not own). */
export function allTopLevelBut(node: TypeNode, keep: string): FieldSet {
  const s = new FieldSet();
  if (node.kind === 'struct') for (const name of node.fields.keys()) if (name !== keep) s.insert([fieldPE(name)]);
  return s;
}
