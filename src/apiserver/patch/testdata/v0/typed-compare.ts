// Comparing two values of one kind field by field (structured-merge-diff's Compare): which
// paths the right side added, modified or removed. Leaves (scalars, atomic values, and maps
// or lists empty on both sides) are compared by value; a non-leaf node that exists on one side
// only is itself added or removed, along with everything below it. Both sides are given Go's
// shape (go-shape.ts), as upstream compares Go objects — one level at a time, and only where
// they differ: an update changes a few fields, and equal subtrees hold no change to find.
import { fieldPE, type PathElement } from '../../fieldpath.js';
import { FieldSet } from './fieldset.js';
import { goShapeLevel } from './go-shape.js';
import type { TypeNode } from '../../schema-model.js';
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

/** `undefined` on a side means the field is absent there. */
export function compareTyped(node: TypeNode, lhs: unknown, rhs: unknown): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  diff(c, node, lhs, rhs, []);
  return c;
}

/** Compares raw values: equal ones hold no change; others get this level's Go shape and are walked. */
function diff(c: Comparison, node: TypeNode | undefined, l: unknown, r: unknown, path: PathElement[]): void {
  if (sameDefined(l, r)) return;
  walk(c, node, goShapeLevel(node, l), goShapeLevel(node, r), path);
}

function leaf(c: Comparison, l: unknown, r: unknown, path: PathElement[]): void {
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!jsonEqual(l, r)) c.modified.insert(path);
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

function walk(c: Comparison, node: TypeNode | undefined, l: unknown, r: unknown, path: PathElement[]): void {
  if (!node || node.kind === 'scalar' || node.kind === 'untyped') { leaf(c, l, r, path); return; }
  if (node.kind === 'list') {
    const bothEmpty = (!Array.isArray(l) || l.length === 0) && (!Array.isArray(r) || r.length === 0);
    if (node.relation === 'atomic' || bothEmpty) { leaf(c, l, r, path); return; }
    const left = itemsByPE(node, l);
    const right = itemsByPE(node, r);
    for (const [pe, item] of right) diff(c, node.elem, left.get(pe), item, [...path, pe]);
    for (const [pe, item] of left) if (!right.has(pe)) diff(c, node.elem, item, undefined, [...path, pe]);
  } else {
    const lm = isObj(l) ? l : undefined;
    const rm = isObj(r) ? r : undefined;
    if ((node.kind === 'struct' && node.atomic) || (size(lm) === 0 && size(rm) === 0)) { leaf(c, l, r, path); return; }
    const keys = new Set([...Object.keys(lm ?? {}), ...Object.keys(rm ?? {})]);
    for (const k of keys) {
      const child = node.kind === 'map' ? node.elem : node.fields.get(k)?.type;
      diff(c, child, lm?.[k], rm?.[k], [...path, fieldPE(k)]);
    }
  }
  // A node that is not a leaf exists on one side only: it is added or removed as a whole.
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
}
