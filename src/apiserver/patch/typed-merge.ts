// Merging an applied configuration into a live value, and removing items from a value, by
// schema (structured-merge-diff's Merge and RemoveItems):
//   merge: every leaf the configuration sets wins (null included); maps merge key by key;
//   keyed and set lists merge item by item, the configuration's items in its order with
//   live-only items kept in place; atomic values are replaced whole.
//   removeItems: drops the struct fields, map entries and list items a set names as members;
//   a map or list left with nothing becomes null, as upstream leaves it.
import { fieldPE, type PathElement } from './fieldpath.js';
import type { FieldSet } from './fieldset.js';
import type { ListNode, TypeNode } from './schema-model.js';
import { ItemKeyError, listItemPE } from './typed-fieldset.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const size = (v: unknown): number => (Array.isArray(v) ? v.length : isObj(v) ? Object.keys(v).length : 0);

const childOf = (node: TypeNode, k: string): TypeNode | undefined =>
  node.kind === 'map' ? node.elem : node.kind === 'struct' ? node.fields.get(k)?.type : undefined;

/** `undefined` means absent; the result is undefined only when both sides are. */
export function mergeTyped(node: TypeNode | undefined, live: unknown, config: unknown): unknown {
  if (live === undefined && config === undefined) return undefined;
  const keepConfig = config !== undefined ? config : live;
  if (!node || node.kind === 'scalar' || node.kind === 'untyped') return keepConfig;
  if (node.kind === 'list') {
    const bothEmpty = (!Array.isArray(live) || !live.length) && (!Array.isArray(config) || !config.length);
    if (node.relation === 'atomic' || bothEmpty) return keepConfig;
    return mergeList(node, Array.isArray(live) ? live : [], Array.isArray(config) ? config : []);
  }
  const l = isObj(live) ? live : undefined;
  const c = isObj(config) ? config : undefined;
  if ((node.kind === 'struct' && node.atomic) || (size(l) === 0 && size(c) === 0)) return keepConfig;
  const out: Obj = {};
  for (const k of new Set([...Object.keys(l ?? {}), ...Object.keys(c ?? {})])) {
    const v = mergeTyped(childOf(node, k), l?.[k], c?.[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function index(node: ListNode, list: unknown[]): { order: PathElement[]; items: Map<PathElement, unknown> } {
  const order: PathElement[] = [];
  const items = new Map<PathElement, unknown>();
  list.forEach((item, i) => {
    let pe: PathElement;
    try {
      pe = listItemPE(node, item, i);
    } catch (e) {
      if (e instanceof ItemKeyError) return;
      throw e;
    }
    if (items.has(pe)) return;
    items.set(pe, item);
    order.push(pe);
  });
  return { order, items };
}

/**
 * Items of both lists: live-only items stay where they were; items the configuration names
 * come in the configuration's order, each shared one when the configuration reaches it.
 */
function mergeList(node: ListNode, live: unknown[], config: unknown[]): unknown[] {
  const L = index(node, live);
  const R = index(node, config);
  const shared = R.order.filter((pe) => L.items.has(pe));
  let next = 0;
  const out: unknown[] = [];
  const done = new Set<PathElement>();
  const emit = (pe: PathElement) => {
    done.add(pe);
    out.push(mergeTyped(node.elem, L.items.get(pe), R.items.get(pe)));
  };
  let li = 0;
  let ri = 0;
  while (li < L.order.length || ri < R.order.length) {
    const lpe = L.order[li];
    if (lpe !== undefined && done.has(lpe)) { li++; continue; }
    if (lpe !== undefined && ri < R.order.length) {
      if (lpe === R.order[ri]) { emit(lpe); li++; ri++; next++; continue; }
      // A shared item that the configuration places later: wait for it there.
      if (R.items.has(lpe) && next < shared.length && shared[next] !== lpe) { li++; continue; }
    }
    if (lpe !== undefined && !R.items.has(lpe)) { emit(lpe); li++; continue; }
    if (ri < R.order.length) {
      const rpe = R.order[ri++];
      if (done.has(rpe)) continue;
      emit(rpe);
      if (shared[next] === rpe) next++;
      continue;
    }
    li++;
  }
  return out;
}

/** Removes the members of `set` (at their own level) from `value`. */
export function removeItems(node: TypeNode | undefined, value: unknown, set: FieldSet): unknown {
  if (!node || set.empty()) return value;
  if (node.kind === 'list') {
    if (!Array.isArray(value) || value.length === 0 || node.relation === 'atomic') return value;
    const out: unknown[] = [];
    value.forEach((item, i) => {
      let pe: PathElement;
      try {
        pe = listItemPE(node, item, i);
      } catch (e) {
        if (!(e instanceof ItemKeyError)) throw e;
        out.push(item);
        return;
      }
      if (set.members.has(pe)) return;
      const below = set.withPrefix(pe);
      out.push(below.empty() ? item : removeItems(node.elem, item, below));
    });
    return out.length ? out : null;
  }
  if (node.kind !== 'struct' && node.kind !== 'map') return value;
  if (!isObj(value) || size(value) === 0 || (node.kind === 'struct' && node.atomic)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    const pe = fieldPE(k);
    if (set.members.has(pe)) continue;
    const below = set.withPrefix(pe);
    out[k] = below.empty() ? v : removeItems(childOf(node, k), v, below);
  }
  return Object.keys(out).length ? out : null;
}
