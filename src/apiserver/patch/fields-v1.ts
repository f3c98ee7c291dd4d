// FieldsV1, the JSON trie managedFields store field sets in: each key is a path element
// (`f:spec`, `k:{"name":"nginx"}`, ...) mapping to the set below it, and `".": {}` marks a
// node that is itself a member while also having children. `{}` is a member with no children.
import { comparePE, validPE, type PathElement } from './fieldpath.js';
import { FieldSet } from './fieldset.js';

export type FieldsV1 = Record<string, unknown>;

export function fieldSetToFieldsV1(set: FieldSet): FieldsV1 {
  return encode(set);
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
  const set = new FieldSet();
  decode(fields, [], set);
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
