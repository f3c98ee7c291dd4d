// Strategic merge patch (application/strategic-merge-patch+json) applied on the server, as
// upstream's StrategicMergeMapPatch with the kind's schema for list semantics:
//   objects merge key by key and `null` deletes; lists with the `merge` strategy merge by
//   their merge key (primitives as sets), other lists are replaced;
//   directives: `$patch: replace|delete` on maps, `$patch: delete|replace` items in lists,
//   `$retainKeys`, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`.
// Errors are thrown as ApiErrors (see smp-errors.ts); the inputs are never modified.
import { badRequest } from '../../core/index.js';
import type { TypeNode } from './schema-model.js';
import { SMP_BAD_PRIMITIVE_LIST, SMP_BAD_RETAIN_KEYS, SMP_BAD_SET_ELEMENT_ORDER, badArgType, badPatchType, smpBadRequest, unknownField } from './smp-errors.js';
import { DIRECTIVE, checkSetElementOrder, elementKind, isObj, mergeSlice, normalizeElementOrder, partition } from './smp-list.js';

type Obj = Record<string, unknown>;

const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';

interface FieldMeta { readonly node: TypeNode | undefined; readonly strategy: string; readonly mergeKey: string }

/** Applies a parsed strategic merge patch to an object of the kind rooted at `root`. */
export function applyStrategicMergePatch(current: unknown, patch: unknown, root: TypeNode): Obj {
  if (!isObj(patch)) {
    const what = Array.isArray(patch) ? 'array' : patch === null ? 'null' : typeof patch === 'number' ? 'number' : typeof patch === 'boolean' ? 'bool' : 'string';
    throw badRequest(`json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  return mergeMap(isObj(current) ? structuredClone(current) : {}, structuredClone(patch), root);
}

/** Upstream's field lookup: a struct's declared field (else an error), a map's element type. */
function fieldMeta(parent: TypeNode | undefined, key: string): FieldMeta {
  if (parent?.kind === 'struct') {
    const f = parent.fields.get(key);
    if (!f) throw unknownField(parent.name, key);
    // retainKeys is a directive the client sends; on the server only the rest of the strategy counts.
    const strategy = (f.patchStrategy ?? '').split(',').filter((s) => s && s !== 'retainKeys').join(',');
    return { node: f.type, strategy, mergeKey: f.mergeKey ?? '' };
  }
  if (parent?.kind === 'map') return { node: parent.elem, strategy: '', mergeKey: '' };
  return { node: undefined, strategy: '', mergeKey: '' };
}

const elemOf = (node: TypeNode | undefined): TypeNode | undefined => (node?.kind === 'list' ? node.elem : undefined);

const shape = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'list' : isObj(v) ? 'map' : typeof v);

/** `$setElementOrder/containers` -> `containers`; a key without the slash is malformed. */
function directiveTarget(key: string, prefix: string, malformed: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw smpBadRequest(malformed);
  return key.slice(slash + 1);
}

function mergeMap(original: Obj, patch: Obj, node: TypeNode | undefined): Obj {
  if (DIRECTIVE in patch) {
    const directive = patch[DIRECTIVE];
    if (directive === 'replace') {
      const { [DIRECTIVE]: _d, ...rest } = patch;
      return rest;
    }
    if (directive === 'delete') return {};
    throw badPatchType(directive, patch);
  }
  const out: Obj = { ...original };
  retainKeys(out, patch);
  setElementOrders(out, patch, node);
  for (const [rawKey, value] of Object.entries(patch)) {
    let key = rawKey;
    let deleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      key = directiveTarget(rawKey, DELETE_FROM_PRIMITIVE_LIST, SMP_BAD_PRIMITIVE_LIST);
      deleteList = true;
    }
    if (value === null) { delete out[key]; continue; }
    if (!(key in out)) {
      // Nothing to delete from; a new subtree is taken as it is, minus its nulls.
      if (!deleteList) out[key] = withoutNulls(value);
      continue;
    }
    const live = out[key];
    if (shape(live) !== shape(value)) { out[key] = value; continue; }
    if (isObj(live)) {
      const meta = fieldMeta(node, key);
      out[key] = meta.strategy === 'replace' ? value : mergeMap(live, value as Obj, meta.node);
    } else if (Array.isArray(live)) {
      const meta = fieldMeta(node, key);
      out[key] = meta.strategy === 'merge'
        ? mergeSlice(live, value as unknown[], meta.mergeKey, deleteList, (l, p) => mergeMap(l, p, elemOf(meta.node)))
        : value;
    } else {
      out[key] = value;
    }
  }
  return out;
}

function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
  return out;
}

/** `$retainKeys`: live keys not listed are cleared; every patched key must be listed. */
function retainKeys(out: Obj, patch: Obj): void {
  if (!(RETAIN_KEYS in patch)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw smpBadRequest(SMP_BAD_RETAIN_KEYS);
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw smpBadRequest(SMP_BAD_RETAIN_KEYS);
  }
  for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
}

/** `$setElementOrder/<list>`: merges that list now and puts its items in the given order. */
function setElementOrders(out: Obj, patch: Obj, node: TypeNode | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
    const field = directiveTarget(key, SET_ELEMENT_ORDER, SMP_BAD_SET_ELEMENT_ORDER);
    const hasLive = field in out;
    const hasPatch = field in patch;
    const live = out[field];
    const patched = patch[field];
    if (hasLive && !Array.isArray(live)) throw badArgType('[]interface {}', live);
    if (hasPatch && !Array.isArray(patched)) throw badArgType('[]interface {}', patched);
    const liveList = (live ?? []) as unknown[];
    const patchList = (patched ?? []) as unknown[];
    const meta = fieldMeta(node, field);
    checkSetElementOrder(patchList, order, meta.mergeKey);
    if (!hasLive && !hasPatch) continue;
    const merged = !hasPatch ? liveList : !hasLive ? patchList : meta.strategy === 'merge'
      ? mergeSlice(liveList, patchList, meta.mergeKey, false, (l, p) => mergeMap(l, p, elemOf(meta.node)))
      : patchList;
    const kind = elementKind(liveList, patchList);
    if (kind) {
      const [named, serverOnly] = partition(merged, order, meta.mergeKey, kind);
      out[field] = normalizeElementOrder(named, serverOnly, order, liveList, meta.mergeKey, kind);
    } else {
      out[field] = merged;
    }
    delete patch[field];
  }
}
