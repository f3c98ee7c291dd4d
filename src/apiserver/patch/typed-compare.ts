// Comparing two values of one kind field by field (structured-merge-diff's Compare): which
// paths the right side added, modified or removed. Leaves (scalars, atomic values, and maps
// or lists empty on both sides) are compared by value; a non-leaf node that exists on one side
// only is itself added or removed, along with everything below it. Both sides are given Go's
// shape (go-shape.ts), as upstream compares Go objects — one level at a time, and only where
// they differ: an update changes a few fields, and equal subtrees hold no change to find.
import { cached } from './cache.js';
import { fieldPE, type PathElement } from './fieldpath.js';
import { FieldSet } from './fieldset.js';
import { goShapeLevel } from './go-shape.js';
import type { TypeNode } from './schema-model.js';
import { ItemKeyError, listItemPE } from './typed-fieldset.js';

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** JSON equality: maps by key regardless of order, lists by position, numbers by value. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const y = b as unknown[];
    return a.length === y.length && a.every((x, i) => jsonEqual(x, y[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const kx = Object.keys(x).filter((k) => x[k] !== undefined);
  const ky = Object.keys(y).filter((k) => y[k] !== undefined);
  return kx.length === ky.length && kx.every((k) => k in y && jsonEqual(x[k], y[k]));
}

/**
 * Equal JSON data with no undefined anywhere (where the walk below would still record
 * something): the subtrees need no walk. Maps by key regardless of order, lists by position.
 */
function sameDefined(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameDefined(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (!Object.prototype.hasOwnProperty.call(y, k) || !sameDefined(x[k], y[k])) return false;
    n++;
  }
  return n === Object.keys(y).length;
}

/**
 * `undefined` on a side means the field is absent there. `skip`: top-level fields not compared
 * (what the caller ignores anyway, such as status on the main resource).
 */
export function compareTyped(node: TypeNode, lhs: unknown, rhs: unknown, skip?: ReadonlySet<string>): Comparison {
  const top: Level = {};
  // The root's own path is empty: as a leaf, or added or removed as a whole, it records nothing.
  // With fields skipped, the members are compared one by one (equal ones hold nothing either).
  if (skip?.size || !sameDefined(lhs, rhs)) {
    const l = goShapeLevel(node, lhs);
    const r = goShapeLevel(node, rhs);
    if (!isLeaf(node, l, r)) children(top, node, l, r, skip);
  }
  return { added: top.added ?? new FieldSet(), modified: top.modified ?? new FieldSet(), removed: top.removed ?? new FieldSet() };
}

/**
 * What is recorded at one level of the tries being built: each set is made when its first
 * path element is recorded, so no set is ever empty and nothing needs a path array.
 */
interface Level { added?: FieldSet; modified?: FieldSet; removed?: FieldSet }

// Field names recur in every object; their path elements are made once.
const fieldPEs = new Map<string, PathElement>();
const FIELD_PES_MAX = 10_000;

const fieldPEOf = (name: string): PathElement => cached(fieldPEs, FIELD_PES_MAX, name, fieldPE);

/** Whether the node is compared as one value: scalars, atomic values, maps and lists empty on both sides. */
function isLeaf(node: TypeNode | undefined, l: unknown, r: unknown): boolean {
  if (!node || node.kind === 'scalar' || node.kind === 'untyped') return true;
  if (node.kind === 'list') return node.relation === 'atomic' || ((!Array.isArray(l) || l.length === 0) && (!Array.isArray(r) || r.length === 0));
  return (node.kind === 'struct' && node.atomic) || (size(isObj(l) ? l : undefined) === 0 && size(isObj(r) ? r : undefined) === 0);
}

/** Compares raw values under `pe`: equal ones hold no change; others get this level's Go shape and are walked. */
function diff(at: Level, pe: PathElement, node: TypeNode | undefined, l: unknown, r: unknown): void {
  if (sameDefined(l, r)) return;
  l = goShapeLevel(node, l);
  r = goShapeLevel(node, r);
  if (isLeaf(node, l, r)) {
    if (l === undefined) (at.added ??= new FieldSet()).members.add(pe);
    else if (r === undefined) (at.removed ??= new FieldSet()).members.add(pe);
    else if (!jsonEqual(l, r)) (at.modified ??= new FieldSet()).members.add(pe);
    return;
  }
  const below: Level = {};
  children(below, node!, l, r, undefined);
  if (below.added) (at.added ??= new FieldSet()).children.set(pe, below.added);
  if (below.modified) (at.modified ??= new FieldSet()).children.set(pe, below.modified);
  if (below.removed) (at.removed ??= new FieldSet()).children.set(pe, below.removed);
  // A node that is not a leaf exists on one side only: it is added or removed as a whole.
  if (l === undefined) (at.added ??= new FieldSet()).members.add(pe);
  else if (r === undefined) (at.removed ??= new FieldSet()).members.add(pe);
}

const size = (v: unknown): number => (Array.isArray(v) ? v.length : isObj(v) ? Object.keys(v).length : 0);

/** Indexes list items by path element; items without a usable key are skipped, repeats ignored. */
function itemsByPE(node: TypeNode & { kind: 'list' }, list: unknown): Map<PathElement, unknown> {
  const out = new Map<PathElement, unknown>();
  if (!Array.isArray(list)) return out;
  list.forEach((item, i) => {
    try {
      const pe = listItemPE(node, item, i);
      if (!out.has(pe)) out.set(pe, item);
    } catch (e) {
      if (!(e instanceof ItemKeyError)) throw e;
    }
  });
  return out;
}

/** The members of a non-leaf node (a list with items, a struct or map with members on a side). */
function children(at: Level, node: TypeNode, l: unknown, r: unknown, skip: ReadonlySet<string> | undefined): void {
  if (node.kind === 'list') {
    const left = itemsByPE(node, l);
    const right = itemsByPE(node, r);
    for (const [pe, item] of right) diff(at, pe, node.elem, left.get(pe), item);
    for (const [pe, item] of left) if (!right.has(pe)) diff(at, pe, node.elem, item, undefined);
    return;
  }
  if (node.kind !== 'struct' && node.kind !== 'map') return;
  const lm = isObj(l) ? l : undefined;
  const rm = isObj(r) ? r : undefined;
  if (lm) {
    for (const k of Object.keys(lm)) {
      if (skip?.has(k)) continue;
      diff(at, fieldPEOf(k), node.kind === 'map' ? node.elem : node.fields.get(k)?.type, lm[k], rm?.[k]);
    }
  }
  if (rm) {
    for (const k of Object.keys(rm)) {
      if (skip?.has(k) || (lm && Object.prototype.hasOwnProperty.call(lm, k))) continue;
      diff(at, fieldPEOf(k), node.kind === 'map' ? node.elem : node.fields.get(k)?.type, lm?.[k], rm[k]);
    }
  }
}
