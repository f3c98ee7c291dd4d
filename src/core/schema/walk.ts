// The typed walk over a parsed body: checks every value against its compiled node the way Go's
// decoder (sigs.k8s.io/json) would, builds the object without unknown fields and nulls, and
// collects strict errors (unknown / duplicate fields) in document order.
import type { Node, StructNode } from './compile.js';
import { parseQuantity, QUANTITY_FORMAT_ERROR } from '../quantity.js';
import { jsonCopyWithin } from './copy.js';
import { base64Error, normalizeTime } from './formats.js';

/** The first decode error; `field` is the JSON path, for the Status causes. */
export class DecodeFailure extends Error {
  constructor(message: string, readonly field: string) { super(message); }
}

/** Nesting deeper than Go's decoder allows (its scanner's limit), found in a raw JSON field. */
export class DepthExceeded extends Error {
  constructor() { super('exceeded max depth'); }
}

const MAX_STRICT_ERRORS = 100; // as upstream caps them

// `[0]`, `[1]`, ...: the path pieces of list items, built once.
const INDEX_SEGS: readonly string[] = Array.from({ length: 64 }, (_, i) => `[${i}]`);

// Bodies repeat the same few quantities ("1Gi", "100m"): parse each literal once.
const canonicalQuantities = new Map<string | number, string>();
const CANONICAL_MAX = 4096;

/**
 * How deep a body may nest. Go's scanner stops at 10 000 levels; Berth stops at 1 000 because
 * what runs after decoding (patches, managed fields) recurses on the JS stack and overflows it
 * near 2 000 levels: a RangeError at best, a fatal out-of-memory at worst (V8 compiling a regexp
 * with the stack nearly spent). No served kind's schema comes close; only raw JSON fields can.
 */
export const MAX_DEPTH = 500;

/** Whether a parsed value nests deeper than `limit` containers (iterative: it cannot overflow). */
export function exceedsMaxDepth(value: unknown, limit = MAX_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

export class Walk {
  /** Strict errors in order, deduplicated (upstream dedupes identical messages). */
  readonly strict: string[] = [];
  readonly #seen = new Set<string>();
  /** Object keys seen in the parsed value; compared with the text to detect duplicates cheaply. */
  keys = 0;
  readonly #segs: string[] = [];   // JSON path pieces: 'spec', '[0]', 'labels'
  readonly #structs: string[] = []; // innermost struct names, for Go's "Go struct field X.path"
  readonly #fields: string[] = [];  // struct field names only, as Go's error path has them

  /**
   * `copyRaw`: the value is the caller's own (an in-process request), so raw JSON members are
   * copied as well; a value parsed from the request's text is the decoder's, and kept.
   */
  constructor(readonly collect: boolean, readonly dups?: ReadonlyMap<string, readonly string[]>, readonly copyRaw = false) {}

  path(extra?: string): string {
    let p = '';
    for (let i = 0; i < this.#segs.length; i++) p = join(p, this.#segs[i]!);
    return extra === undefined ? p : join(p, extra);
  }

  #strictError(msg: string): void {
    if (this.#seen.has(msg) || this.strict.length >= MAX_STRICT_ERRORS) return;
    this.#seen.add(msg);
    this.strict.push(msg);
  }

  #typeError(v: unknown, go: string, what = goValueKind(v)): never {
    const field = this.#fields.join('.');
    const struct = this.#structs[this.#structs.length - 1];
    const into = struct ? `Go struct field ${struct}.${field}` : 'Go value';
    throw new DecodeFailure(`json: cannot unmarshal ${what} into ${into} of type ${go}`, this.path());
  }

  #fail(message: string): never {
    throw new DecodeFailure(message, this.path());
  }

  value(node: Node, v: unknown): unknown {
    switch (node.k) {
      case 'string': return typeof v === 'string' ? wellFormed(v) : this.#typeError(v, node.go);
      case 'bool': return typeof v === 'boolean' ? v : this.#typeError(v, node.go);
      case 'float': return typeof v === 'number' ? v : this.#typeError(v, node.go);
      case 'int':
        if (typeof v !== 'number') return this.#typeError(v, node.go);
        if (!Number.isInteger(v) || v < node.min || v > node.max) return this.#typeError(v, node.go, `number ${v}`);
        return v;
      case 'bytes': {
        if (typeof v !== 'string') return this.#typeError(v, node.go);
        const err = base64Error(v);
        return err ? this.#fail(err) : v.includes('\n') ? v.replace(/[\r\n]/g, '') : v;
      }
      case 'quantity': {
        // Go parses the literal (string or number) and re-prints it canonically: "1.5Gi" -> "1536Mi".
        if (typeof v !== 'string' && typeof v !== 'number') return this.#fail(QUANTITY_FORMAT_ERROR);
        const hit = canonicalQuantities.get(v);
        if (hit !== undefined) return hit;
        let canonical: string;
        try {
          canonical = parseQuantity(v).toString();
        } catch (e) {
          return this.#fail((e as Error).message);
        }
        if (canonicalQuantities.size >= CANONICAL_MAX) canonicalQuantities.clear();
        canonicalQuantities.set(v, canonical);
        return canonical;
      }
      case 'intstr':
        if (typeof v === 'string') return v;
        if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return v;
        return this.#fail(`json: cannot unmarshal ${typeof v === 'number' ? `number ${v}` : goValueKind(v)} into Go value of type int32`);
      case 'time': case 'microtime': {
        if (typeof v !== 'string') return this.#fail(`json: cannot unmarshal ${goValueKind(v)} into Go value of type string`);
        const t = normalizeTime(v, node.k === 'microtime');
        return t.ok ? t.value : this.#fail(t.error);
      }
      case 'any':
        // Raw JSON (RawExtension, FieldsV1): kept as is, but bounded like Go's scanner bounds it.
        if (this.copyRaw && typeof v === 'object' && v !== null) {
          // The caller's own value: copied, with the same depth bound. Its keys are not counted:
          // they are compared only with a request text's, and there is none.
          const copied = jsonCopyWithin(v, this.#segs.length + 1, MAX_DEPTH);
          if (copied === undefined) throw new DepthExceeded();
          return copied;
        }
        this.keys += countParsedKeys(v, this.#segs.length + 1);
        return v;
      case 'array': {
        if (!Array.isArray(v)) return this.#typeError(v, node.go);
        const out = new Array<unknown>(v.length);
        const segs = this.#segs;
        for (let i = 0; i < v.length; i++) {
          segs.push(i < INDEX_SEGS.length ? INDEX_SEGS[i]! : `[${i}]`);
          out[i] = v[i] === null ? zero(node.items) : this.value(node.items, v[i]);
          segs.pop();
        }
        return out;
      }
      case 'map': case 'struct':
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.#typeError(v, node.go);
        return this.#object(node, v as Record<string, unknown>);
    }
  }

  #object(node: StructNode | Extract<Node, { k: 'map' }>, obj: Record<string, unknown>): Record<string, unknown> {
    const struct = node.k === 'struct';
    const out: Record<string, unknown> = {};
    const order = this.dups?.get(this.path());
    const keys = order ?? Object.keys(obj);
    const firsts = order ? new Set<string>() : undefined;
    const segs = this.#segs;
    const fields = this.#fields;
    if (struct) this.#structs.push(node.struct);
    for (const key of keys) {
      const field = struct ? node.fields.get(key) : node.values;
      if (firsts) {
        // Only on the slow path: report a repeat where Go meets it; unknown keys are reported once.
        if (firsts.has(key)) {
          if (field) this.#strictError(`duplicate field "${this.path(key)}"`);
          continue;
        }
        firsts.add(key);
      }
      this.keys++;
      const v = obj[key];
      if (!field) {
        if (this.collect) {
          this.#strictError(`unknown field "${this.path(key)}"`);
          this.keys += countParsedKeys(v, this.#segs.length + 1);
        }
        continue;
      }
      if (v === null) {
        if (!struct) set(out, key, zero(field)); // Go stores a zero value for a null map entry
        continue;
      }
      // The path pieces: a map key or list index goes in segs only, as Go's type-error path leaves it out.
      segs.push(key);
      if (struct) fields.push(key);
      const decoded = this.value(field, v);
      segs.pop();
      if (struct) fields.pop();
      if (key === '__proto__') set(out, key, decoded);
      else out[key] = decoded;
    }
    if (struct) this.#structs.pop();
    return out;
  }
}

/** A map key may be `__proto__`: keep it as data, never as the object's prototype. */
function set(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

const join = (p: string, seg: string): string => (seg[0] === '[' ? p + seg : p ? `${p}.${seg}` : seg);

/** How Go's UnmarshalTypeError names a JSON value. */
function goValueKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    case 'object': return v === null ? 'null' : 'object';
    default: return 'value';
  }
}

/** The value Go leaves for a null array item or map value (what it marshals back). */
function zero(node: Node): unknown {
  switch (node.k) {
    case 'string': case 'bytes': return '';
    case 'bool': return false;
    case 'int': case 'float': case 'intstr': return 0;
    case 'quantity': return '0';
    case 'struct': return {};
    default: return null;
  }
}

// ES2024 string methods, in Node 20 but not in the project's ES2022 lib typings.
type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string };

/** A lone surrogate (a `\ud800` escape) becomes U+FFFD, as Go's decoder makes it; keys built from such text stay valid UTF-16. */
function wellFormed(s: string): string {
  return (s as WellFormedString).isWellFormed() ? s : (s as WellFormedString).toWellFormed();
}

/** Keys in a raw JSON value; throws DepthExceeded past Go's nesting limit. */
function countParsedKeys(v: unknown, depth: number): number {
  if (typeof v !== 'object' || v === null) return 0;
  if (depth >= MAX_DEPTH) throw new DepthExceeded();
  let n = 0;
  if (Array.isArray(v)) {
    for (const item of v) n += countParsedKeys(item, depth + 1);
    return n;
  }
  for (const k in v) n += 1 + countParsedKeys((v as Record<string, unknown>)[k], depth + 1);
  return n;
}
