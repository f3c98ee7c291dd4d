// Strategic merge patch, lists: merging a patch list into a live list under the `merge`
// strategy (maps by merge key, primitives as sets), the `$patch: delete|replace` list items,
// `$deleteFromPrimitiveList` deletions, and the element order upstream produces
// (k8s.io/apimachinery/pkg/util/strategicpatch): items named by the patch (or by
// `$setElementOrder`) are ordered as there, server-only items keep their live order, and
// the two are interleaved by live position; new items come first.
import { badArgType, badPatchType, noListOfLists, noMergeKey, smpBadRequest } from './smp-errors.js';

type Obj = Record<string, unknown>;
export type ElementKind = 'map' | 'scalar';

export const DIRECTIVE = '$patch';

export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Go's `==` on two decoded JSON scalars (maps and lists never compare equal here). */
export function sameScalar(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && a === b);
}

/** The common element type of the given lists; undefined when they hold no elements. */
export function elementKind(...lists: readonly unknown[][]): ElementKind | undefined {
  let kind: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      if (Array.isArray(v)) throw noListOfLists();
      const k = v === null ? 'null' : isObj(v) ? 'map' : typeof v;
      if (kind === undefined) kind = k;
      else if (kind !== k) throw smpBadRequest(`list element types are not identical: ${JSON.stringify(lists)}`);
    }
  }
  if (kind === 'null') throw badArgType('map[string]interface {}', null);
  return kind === undefined ? undefined : kind === 'map' ? 'map' : 'scalar';
}

function keyOf(item: unknown, mergeKey: string): unknown {
  if (!isObj(item)) throw badArgType('map[string]interface {}', item);
  if (!(mergeKey in item)) throw noMergeKey(item, mergeKey);
  return item[mergeKey];
}

function sameItem(a: unknown, b: unknown, mergeKey: string, kind: ElementKind): boolean {
  if (kind === 'scalar') return sameScalar(a, b);
  return isObj(a) && isObj(b) && mergeKey in a && mergeKey in b && sameScalar(a[mergeKey], b[mergeKey]);
}

function indexIn(list: readonly unknown[], item: unknown, mergeKey: string, kind: ElementKind): number {
  return list.findIndex((v) => sameItem(v, item, mergeKey, kind));
}

/** Merges `patch` into `original` for a list with the merge strategy. */
export function mergeSlice(original: unknown[], patch: unknown[], mergeKey: string, isDeleteList: boolean,
  mergeItem: (live: Obj, patch: Obj) => Obj): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch)!;
  let merged: unknown[];
  let live = original;
  let items = patch;
  if (kind === 'scalar') {
    if (isDeleteList) return original.filter((v) => !patch.some((d) => sameScalar(d, v)));
    merged = dedupe([...original, ...patch]);
  } else {
    if (!mergeKey) throw smpBadRequest('cannot merge lists without merge key for type struct');
    [live, items] = applySpecialItems(original, patch, mergeKey);
    merged = [...live];
    for (const p of items) {
      const key = keyOf(p, mergeKey);
      const at = merged.findIndex((o) => isObj(o) && mergeKey in o && sameScalar(o[mergeKey], key));
      if (at >= 0) merged[at] = mergeItem(merged[at] as Obj, p as Obj);
      else merged.push(p);
    }
  }
  const [named, serverOnly] = partition(merged, items, mergeKey, kind);
  return normalizeElementOrder(named, serverOnly, items, live, mergeKey, kind);
}

/** `$patch: delete` removes live items by key, `$patch: replace` makes the rest the whole list. */
function applySpecialItems(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let live = original;
  let replace = false;
  for (const item of patch) {
    const m = item as Obj;
    if (!(DIRECTIVE in m)) { plain.push(item); continue; }
    switch (m[DIRECTIVE]) {
      case 'delete': {
        const key = keyOf(m, mergeKey);
        live = live.filter((o) => !(isObj(o) && mergeKey in o && sameScalar(o[mergeKey], key)));
        break;
      }
      case 'replace': replace = true; break;
      case 'merge': throw smpBadRequest('merging lists cannot yet be specified in the patch');
      default: throw badPatchType(m[DIRECTIVE], m);
    }
  }
  return replace ? [plain, []] : [live, plain];
}

function dedupe(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) if (!out.some((o) => sameScalar(o, v))) out.push(v);
  return out;
}

/** Splits `items` into those named by `by` and the rest, keeping their order. */
export function partition(items: readonly unknown[], by: readonly unknown[], mergeKey: string, kind: ElementKind): [unknown[], unknown[]] {
  const named: unknown[] = [];
  const rest: unknown[] = [];
  for (const item of items) {
    if (kind === 'map') keyOf(item, mergeKey);
    (indexIn(by, item, mergeKey, kind) >= 0 ? named : rest).push(item);
  }
  return [named, rest];
}

/** Sorts `items` by their position in `order`; `$patch: delete` items go last. */
function sortByOrder(items: unknown[], order: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let keep = items;
  let deletions: unknown[] = [];
  if (kind === 'map') {
    for (const v of [...items, ...order]) keyOf(v, mergeKey);
    keep = items.filter((v) => (v as Obj)[DIRECTIVE] !== 'delete');
    deletions = items.filter((v) => (v as Obj)[DIRECTIVE] === 'delete');
  }
  const ranked = keep.map((v, i) => ({ v, i, at: indexIn(order, v, mergeKey, kind) }));
  ranked.sort((a, b) => (a.at < 0 || b.at < 0 ? a.i - b.i : a.at - b.at || a.i - b.i));
  return [...ranked.map((r) => r.v), ...deletions];
}

/**
 * Orders patch-named items as `patchOrder`, server-only items as `serverOrder`, then interleaves
 * them: a server-only item goes before a named item only when the live list has it earlier.
 */
export function normalizeElementOrder(named: unknown[], serverOnly: unknown[], patchOrder: readonly unknown[],
  serverOrder: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const right = sortByOrder(named, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) { out.push(left[i++]); continue; }
    if (i >= left.length) { out.push(right[j++]); continue; }
    const li = indexIn(serverOrder, left[i], mergeKey, kind);
    const ri = indexIn(serverOrder, right[j], mergeKey, kind);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return out;
}

/** Every non-deleted patch item must appear in `$setElementOrder`, in the same relative order. */
export function checkSetElementOrder(patchList: readonly unknown[], order: readonly unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const kind: ElementKind = mergeKey ? 'map' : 'scalar';
  const items = kind === 'map' ? patchList.filter((v) => !(isObj(v) && v[DIRECTIVE] === 'delete')) : patchList;
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    if (isObj(items[p]) && DIRECTIVE in (items[p] as Obj)) { p++; continue; }
    if (kind === 'map') { keyOf(items[p], mergeKey); keyOf(order[s], mergeKey); }
    if (sameItem(items[p], order[s], mergeKey, kind)) p++;
    s++;
  }
  if (p < items.length && s >= order.length) {
    throw smpBadRequest(`The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match $setElementOrder list:\n${JSON.stringify(order)}\n`);
  }
}
