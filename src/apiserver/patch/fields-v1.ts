// FieldsV1, the JSON trie managedFields store field sets in: each key is a path element
// (`f:spec`, `k:{"name":"nginx"}`, ...) mapping to the set below it, and `".": {}` marks a
// node that is itself a member while also having children. `{}` is a member with no children.
import { comparePE, validPE, type PathElement } from './fieldpath.js';
import { FieldSet } from './fieldset.js';

export type FieldsV1 = Record<string, unknown>;

// Every write encodes every manager's set and decodes every entry it read. Sets are immutable
// values, so an encoding belongs to its set for good (FieldSet.fieldsV1); decoding returns a
// set decoded before where it can (the same encoding object, a FieldsV1 equal to one of the
// last sets' encodings, or the same text), which also finds that set's encoding on the way out.

/** On each encoding handed out (not enumerable, so neither serialised nor compared): its set. */
const SET = Symbol('berth.fieldSet');
const decoded = new Map<string, FieldSet>();
const DECODED_MAX = 4096;

/** The FieldsV1 of a set (shared and frozen: callers must not change it). */
export function fieldSetToFieldsV1(set: FieldSet): FieldsV1 {
  let out = set.fieldsV1 as FieldsV1 | undefined;
  if (out) return out;
  const recent = recentlyEncoded(set);
  const same = recent.find((r) => r.equals(set));
  if (same) {
    out = same.fieldsV1 as FieldsV1;
  } else {
    out = encode(set, false, set);
    recent.unshift(set);
    if (recent.length > RECENT_MAX) recent.pop();
  }
  set.fieldsV1 = out;
  return out;
}

// Sets encoded last, by their size and first element: objects of a kind written alike (a
// controller's fields on every volume) give equal sets, and comparing sets costs less than
// encoding them again.
const encodedBySignature = new Map<string, FieldSet[]>();

function recentlyEncoded(set: FieldSet): FieldSet[] {
  let first = '';
  for (const pe of set.children.keys()) { first = pe; break; }
  const signature = `${set.members.size}/${set.children.size}/${first}`;
  let recent = encodedBySignature.get(signature);
  if (!recent) {
    if (encodedBySignature.size >= DECODED_MAX) encodedBySignature.clear();
    encodedBySignature.set(signature, (recent = []));
  }
  return recent;
}

/** Frozen as built. */
function encode(set: FieldSet, self: boolean, top?: FieldSet): FieldsV1 {
  const out: FieldsV1 = {};
  if (top) Object.defineProperty(out, SET, { value: top });
  if (self) out['.'] = LEAF;
  const keys: PathElement[] = [...set.members];
  for (const pe of set.children.keys()) if (!set.members.has(pe)) keys.push(pe);
  keys.sort(byElement);
  for (const pe of keys) {
    const child = set.children.get(pe);
    out[pe] = child ? encode(child, set.members.has(pe)) : LEAF;
  }
  return Object.freeze(out);
}

/** `{}`: one frozen object serves every leaf. */
const LEAF: FieldsV1 = Object.freeze({});

/** comparePE, with field names (most elements) ordered as strings without parsing them. */
function byElement(a: PathElement, b: PathElement): number {
  if (a.charCodeAt(0) === 102 && b.charCodeAt(0) === 102 && a.charCodeAt(1) === 58 && b.charCodeAt(1) === 58) return a < b ? -1 : a > b ? 1 : 0;
  return comparePE(a, b);
}

/** Decodes FieldsV1; throws an Error naming the bad part (callers decide what that means). */
export function fieldsV1ToFieldSet(fields: unknown): FieldSet {
  const mine = fields !== null && typeof fields === 'object' ? (fields as { [SET]?: FieldSet })[SET] : undefined;
  if (mine) return mine;
  const recent = recentFor(fields);
  if (recent) for (const set of recent) if (sameFields(fields, fieldSetToFieldsV1(set))) return set;
  const text = JSON.stringify(fields);
  let set = text === undefined ? undefined : decoded.get(text);
  if (!set) {
    set = new FieldSet();
    decode(fields, [], set);
    if (text !== undefined) {
      if (decoded.size >= DECODED_MAX) decoded.clear();
      decoded.set(text, set);
    }
  }
  if (recent && !recent.includes(set)) {
    recent.unshift(set);
    if (recent.length > RECENT_MAX) recent.pop();
  }
  return set;
}

// The few sets decoded last, by the first element of their FieldsV1: an object's managers
// record the same fields on object after object, and comparing a FieldsV1 with the encoding
// of such a set costs less than writing it out as text to look it up.
const recentByFirst = new Map<string, FieldSet[]>();
const RECENT_MAX = 8;

function recentFor(fields: unknown): FieldSet[] | undefined {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return undefined;
  let first = '';
  for (const k in fields) { first = k; break; }
  let recent = recentByFirst.get(first);
  if (!recent) {
    if (recentByFirst.size >= DECODED_MAX) recentByFirst.clear();
    recentByFirst.set(first, (recent = []));
  }
  return recent;
}

/** Whether `a` has exactly the members of the encoding `b`, at every level (in any order). */
function sameFields(a: unknown, b: FieldsV1): boolean {
  if (a === b) return true;
  if (a === null || typeof a !== 'object' || Array.isArray(a)) return false;
  let n = 0;
  for (const k in a) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !sameFields((a as FieldsV1)[k], b[k] as FieldsV1)) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
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
