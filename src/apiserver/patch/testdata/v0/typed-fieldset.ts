// The field set of a value against its schema, with the validation server-side apply performs
// on an applied configuration (structured-merge-diff's ToFieldSet and Validate):
//   scalars, atomic lists/structs, list items and map entries are members; struct fields are
//   paths through which members are reached; unknown fields, wrong types, list items without
//   their key fields and duplicate keys are errors, worded as upstream words them.
import { fieldPE, indexPE, keyPE, peString, valuePE, type PathElement } from '../../fieldpath.js';
import { FieldSet } from './fieldset.js';
import type { ListNode, TypeNode } from '../../schema-model.js';

export class ItemKeyError extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The path element of a list item: its key fields, its value (sets) or its index (atomic). */
export function listItemPE(list: ListNode, item: unknown, index: number): PathElement {
  if (list.relation === 'atomic') return indexPE(index);
  if (list.relation === 'map' && list.keys.length) {
    if (item === null) throw new ItemKeyError('associative list with keys may not have a null element');
    if (!isObj(item)) throw new ItemKeyError('associative list with keys may not have non-map elements');
    const key: Record<string, unknown> = {};
    for (const k of list.keys) {
      if (k in item) key[k] = item[k];
      else if (k in list.keyDefaults) key[k] = list.keyDefaults[k];
      else throw new ItemKeyError(`associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
    }
    return keyPE(key);
  }
  if (isObj(item)) throw new ItemKeyError("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new ItemKeyError('not supported: associative list with lists as elements');
  if (item === null) throw new ItemKeyError("associative list without keys has an element that's an explicit null");
  return valuePE(item);
}

/** Go's %T of a decoded JSON value, for type errors. */
function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}';
}

function scalarError(node: TypeNode, v: unknown): string | undefined {
  if (v === null || node.kind !== 'scalar') return undefined;
  const shown = typeof v === 'object' ? JSON.stringify(v) : String(v);
  switch (node.scalar) {
    case 'numeric': return typeof v === 'number' ? undefined : `expected numeric (int or float), got ${goType(v)}`;
    case 'string': return typeof v === 'string' ? undefined : `expected string, got &value.valueUnstructured{Value:${shown}}`;
    case 'boolean': return typeof v === 'boolean' ? undefined : `expected boolean, got &{${shown}}`;
    default: return typeof v === 'object' ? `expected any scalar, got &{${shown}}` : undefined;
  }
}

interface Walk { readonly set: FieldSet; readonly errors: string[] }

/** Field set plus validation errors (`.spec.foo: field not declared in schema`, ...). */
export function toFieldSet(node: TypeNode, value: unknown): { set: FieldSet; errors: string[] } {
  const w: Walk = { set: new FieldSet(), errors: [] };
  visit(w, node, value, [], true);
  return w;
}

const pathText = (path: readonly PathElement[]): string => path.map(peString).join('');

function fail(w: Walk, path: readonly PathElement[], message: string): void {
  w.errors.push(`${pathText(path)}: ${message}`);
}

/** `record` is false inside atomic values: they are checked but own nothing below themselves. */
function visit(w: Walk, node: TypeNode, v: unknown, path: PathElement[], record: boolean): void {
  switch (node.kind) {
    case 'scalar': {
      const err = scalarError(node, v);
      if (err) fail(w, path, err);
      if (record) w.set.insert(path);
      return;
    }
    case 'untyped':
      if (record) w.set.insert(path);
      return;
    case 'struct':
    case 'map': {
      const atomic = node.kind === 'struct' && node.atomic;
      if (atomic && record) w.set.insert(path);
      if (v === null) return;
      if (!isObj(v)) { fail(w, path, `expected map, got &{${JSON.stringify(v)}}`); return; }
      for (const [k, x] of Object.entries(v)) {
        const child = node.kind === 'map' ? node.elem : node.fields.get(k)?.type;
        const childPath = [...path, fieldPE(k)];
        if (!child) { fail(w, childPath, 'field not declared in schema'); return; }
        visit(w, child, x, childPath, record && !atomic);
        // Entries of a map (not fields of a struct) are members themselves.
        if (node.kind === 'map' && record && !atomic) w.set.insert(childPath);
      }
      return;
    }
    case 'list': {
      if (v === null) { if (record && node.relation === 'atomic') w.set.insert(path); return; }
      if (!Array.isArray(v)) { fail(w, path, `expected list, got &{${JSON.stringify(v)}}`); return; }
      const atomic = node.relation === 'atomic';
      if (atomic && record) w.set.insert(path);
      const seen = new Set<PathElement>();
      for (let i = 0; i < v.length; i++) {
        let pe: PathElement;
        try {
          pe = listItemPE(node, v[i], i);
        } catch (e) {
          if (!(e instanceof ItemKeyError)) throw e;
          fail(w, path, `element ${i}: ${e.message}`);
          return;
        }
        if (!atomic && seen.has(pe)) fail(w, path, `duplicate entries for key ${peString(pe)}`);
        seen.add(pe);
        const itemPath = [...path, pe];
        visit(w, node.elem, v[i], itemPath, record && !atomic);
        if (record && !atomic) w.set.insert(itemPath);
      }
    }
  }
}

/** Upstream's ValidationErrors text: one error as is, several as an indented list. */
export function validationText(errors: readonly string[]): string {
  return errors.length === 1 ? errors[0] : ['errors:', ...errors.map((e) => `  ${e}`)].join('\n');
}
