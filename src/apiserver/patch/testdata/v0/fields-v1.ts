// FieldsV1, the JSON trie managedFields store field sets in: each key is a path element
// (`f:spec`, `k:{"name":"nginx"}`, ...) mapping to the set below it, and `".": {}` marks a
// node that is itself a member while also having children. `{}` is a member with no children.
import { comparePE, validPE, type PathElement } from '../../fieldpath.js';
import { FieldSet } from './fieldset.js';

export type FieldsV1 = Record<string, unknown>;

// Every write encodes every manager's set and decodes every entry it read. Sets are immutable
// values, so an encoding belongs to its set for good; and decoding text seen before returns
// the set decoded then, which also finds that set's encoding again on the way out.
const encoded = new WeakMap<FieldSet, FieldsV1>();
const decoded = new Map<string, FieldSet>();
const DECODED_MAX = 4096;

/** The FieldsV1 of a set (shared and frozen: callers must not change it). */
export function fieldSetToFieldsV1(set: FieldSet): FieldsV1 {
  let out = encoded.get(set);
  if (!out) {
    out = deepFreeze(encode(set));
    encoded.set(set, out);
  }
  return out;
}

function deepFreeze(v: FieldsV1): FieldsV1 {
  for (const k in v) deepFreeze(v[k] as FieldsV1);
  return Object.freeze(v);
}

function encode(set: FieldSet, self = false): FieldsV1 {
  const out: FieldsV1 = {};
  if (self) out['.'] = {};
  const keys = new Set<PathElement>([...set.members, ...set.children.keys()]);
  for (const pe of [...keys].sort(comparePE)) {
    const child = set.children.get(pe);
    out[pe] = child ? encode(child, set.members.has(pe)) : {};
  }
  return out;
}

/** Decodes FieldsV1; throws an Error naming the bad part (callers decide what that means). */
export function fieldsV1ToFieldSet(fields: unknown): FieldSet {
  const text = JSON.stringify(fields);
  const hit = text === undefined ? undefined : decoded.get(text);
  if (hit) return hit;
  const set = new FieldSet();
  decode(fields, [], set);
  if (text !== undefined) {
    if (decoded.size >= DECODED_MAX) decoded.clear();
    decoded.set(text, set);
  }
  return set;
}

function decode(fields: unknown, prefix: PathElement[], set: FieldSet): void {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new Error(`expected an object, got ${JSON.stringify(fields)}`);
  }
  for (const [key, child] of Object.entries(fields as Record<string, unknown>)) {
    if (key === '.') {
      if (prefix.length === 0) throw new Error('"." at the root');
      set.insert(prefix);
      continue;
    }
    if (!validPE(key)) throw new Error(`invalid path element ${JSON.stringify(key)}`);
    const path = [...prefix, key];
    if (child !== null && typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length === 0) {
      set.insert(path);
    } else {
      decode(child, path, set);
    }
  }
}
