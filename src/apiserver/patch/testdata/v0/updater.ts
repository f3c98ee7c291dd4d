// Field ownership on writes (structured-merge-diff's merge.Updater), on plain JSON values:
//   update: the writer takes every field it added or changed; fields it changed are taken away
//           from everyone else (an update never conflicts); removed fields leave every set.
//   apply:  the configuration is merged into the live object; the applier owns exactly the
//           configuration's fields; items it applied last time and no longer applies are
//           removed unless another applier owns them; changing a field someone else owns is a
//           conflict unless forced, and forcing takes the field away from them.
// `ignored` are the fields the strategy resets (status on the main resource): never owned.
import { fieldPE, type Path } from '../../fieldpath.js';
import { FieldSet } from './fieldset.js';
import type { VersionedSet } from './managers.js';
import type { TypeNode } from '../../schema-model.js';
import { compareTyped, type Comparison } from './typed-compare.js';

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

/**
 * The value without its ignored top-level fields: whatever changed below them is filtered out
 * of the comparison anyway, so they need not be compared (status writes skip spec and metadata).
 */
function withoutIgnored(v: unknown, ignored: FieldSet): unknown {
  if (ignored.members.size === 0 || v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(v)) {
    if (!ignored.members.has(fieldPE(k))) continue;
    out ??= { ...(v as Record<string, unknown>) };
    delete out[k];
  }
  return out ?? v;
}

/** Takes changed fields from every manager but `writer` (conflicts unless `force`). */
function takeFromOthers(node: TypeNode, live: unknown, next: unknown, managers: ManagerSets, writer: string,
  force: boolean, ignored: FieldSet): Comparison {
  const c = filtered(compareTyped(node, withoutIgnored(live, ignored), withoutIgnored(next, ignored)), ignored);
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

/** Paths of every top-level field but `keep` (what a status write may not own). */
export function allTopLevelBut(node: TypeNode, keep: string): FieldSet {
  const s = new FieldSet();
  if (node.kind === 'struct') for (const name of node.fields.keys()) if (name !== keep) s.insert([fieldPE(name)]);
  return s;
}
