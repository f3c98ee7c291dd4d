// Path elements of server-side apply field sets, in the spelling managedFields' FieldsV1 uses:
//   f:<field>                 a struct field or map key
//   k:{"name":"nginx"}        a keyed list item (key fields sorted by name, values as JSON)
//   v:"value"                 an item of a set-like list of primitives
//   i:3                       a list index (lists without keys, only when descended)
// A path is an array of these strings. Ordering and the human spelling used in conflict
// messages (`.spec.containers[name="nginx"].image`) follow sigs.k8s.io/structured-merge-diff.

export type PathElement = string;
export type Path = readonly PathElement[];

export const fieldPE = (name: string): PathElement => `f:${name}`;
export const valuePE = (value: unknown): PathElement => `v:${JSON.stringify(value)}`;
export const indexPE = (i: number): PathElement => `i:${i}`;

/** A keyed item's element from its key fields (any order in; sorted by name out). */
export function keyPE(fields: Readonly<Record<string, unknown>>): PathElement {
  const names = Object.keys(fields).sort(compareStrings);
  return `k:{${names.map((n) => `${JSON.stringify(n)}:${JSON.stringify(fields[n])}`).join(',')}}`;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Decoded element; keys keep their sorted field list. */
type Parsed =
  | { t: 0; name: string }
  | { t: 1; key: [string, unknown][] }
  | { t: 2; value: unknown }
  | { t: 3; index: number };

// Sorting and printing field sets parses the same few hundred elements over and over.
const parsed = new Map<PathElement, Parsed>();
const PARSED_MAX = 10_000;

/** The decoded element (shared: callers must not change it). */
export function parsePE(pe: PathElement): Parsed {
  let p = parsed.get(pe);
  if (p) return p;
  p = parsePEOnce(pe);
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(pe, p);
  return p;
}

function parsePEOnce(pe: PathElement): Parsed {
  const body = pe.slice(2);
  switch (pe.slice(0, 2)) {
    case 'f:': return { t: 0, name: body };
    case 'k:': return { t: 1, key: Object.entries(JSON.parse(body) as Record<string, unknown>) };
    case 'v:': return { t: 2, value: JSON.parse(body) };
    case 'i:': return { t: 3, index: Number(body) };
  }
  throw new Error(`invalid path element ${JSON.stringify(pe)}`);
}

/** True when the string is a well-formed path element (used when decoding FieldsV1). */
export function validPE(pe: string): boolean {
  try {
    const p = parsePE(pe);
    if (p.t === 1) return p.key.length > 0;
    if (p.t === 3) return /^\d+$/.test(pe.slice(2));
    return true;
  } catch {
    return false;
  }
}

const rank = (v: unknown): number =>
  typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : Array.isArray(v) ? 3 : v === null ? 5 : 4;

/** Total order on JSON values: numbers < strings < booleans < lists < maps < null. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0: return (a as number) - (b as number);
    case 1: return compareStrings(a as string, b as string);
    case 2: return Number(a) - Number(b);
    case 3: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c) return c;
      }
      return x.length - y.length;
    }
    case 4: return compareStrings(JSON.stringify(a), JSON.stringify(b));
    default: return 0;
  }
}

/** Field names < keys < values < indexes; within a kind by name, key list, value, number. */
export function comparePE(a: PathElement, b: PathElement): number {
  if (a === b) return 0;
  const pa = parsePE(a);
  const pb = parsePE(b);
  if (pa.t !== pb.t) return pa.t - pb.t;
  if (pa.t === 0 && pb.t === 0) return compareStrings(pa.name, pb.name);
  if (pa.t === 1 && pb.t === 1) {
    for (let i = 0; i < Math.min(pa.key.length, pb.key.length); i++) {
      const c = compareStrings(pa.key[i][0], pb.key[i][0]) || compareValues(pa.key[i][1], pb.key[i][1]);
      if (c) return c;
    }
    return pa.key.length - pb.key.length;
  }
  if (pa.t === 2 && pb.t === 2) return compareValues(pa.value, pb.value);
  if (pa.t === 3 && pb.t === 3) return pa.index - pb.index;
  return 0;
}

/** `.name`, `[k=v,k2=v2]`, `[=value]`, `[3]`: how conflicts name a path. */
export function peString(pe: PathElement): string {
  const p = parsePE(pe);
  switch (p.t) {
    case 0: return `.${p.name}`;
    case 1: return `[${p.key.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    case 2: return `[=${JSON.stringify(p.value)}]`;
    case 3: return `[${p.index}]`;
  }
}

export const pathString = (path: Path): string => path.map(peString).join('');
