// Definitions for the documents: the subset a document references (closed over $refs), and
// their OpenAPI v3 form (components refs; allOf around refs that carry a description;
// Quantity and IntOrString as the one-of unions upstream's v3 documents use).
import { DEFINITIONS, REF_PREFIX, refName, type Schema } from '../../core/index.js';

export const V3_REF_PREFIX = '#/components/schemas/';

/** The named definitions plus everything they reference, sorted by name. */
export function closure(names: Iterable<string>): string[] {
  const seen = new Set<string>();
  const visit = (s: Schema | undefined): void => {
    if (!s) return;
    if (s.$ref) add(refName(s.$ref));
    for (const p of Object.values(s.properties ?? {})) visit(p);
    visit(s.items);
    visit(s.additionalProperties);
  };
  const add = (name: string): void => {
    if (seen.has(name)) return;
    const def = DEFINITIONS[name];
    if (!def) throw new Error(`openapi: no definition ${name}`);
    seen.add(name);
    visit(def);
  };
  for (const n of names) add(n);
  return [...seen].sort();
}

/** The v2 definitions object for the given names. */
export function v2Definitions(names: readonly string[]): Record<string, Schema> {
  return Object.fromEntries(names.map((n) => [n, DEFINITIONS[n]!]));
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** One definition in v3 form. */
export function v3Definition(name: string): Record<string, unknown> {
  const def = DEFINITIONS[name]!;
  if (name === QUANTITY) return { description: def.description, oneOf: [{ type: 'string' }, { type: 'number' }] };
  if (name === INT_OR_STRING) {
    return { description: def.description, format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] };
  }
  return toV3(def, false);
}

/** Rewrites refs; `wrap`: a property's own schema, where a ref with siblings needs allOf. */
function toV3(s: Schema, wrap: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref') continue;
    if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([p, ps]) => [p, toV3(ps, true)]));
    } else if (k === 'items' || k === 'additionalProperties') {
      out[k] = toV3(v as Schema, false);
    } else {
      out[k] = v;
    }
  }
  if (!s.$ref) return out;
  const ref = V3_REF_PREFIX + refName(s.$ref);
  if (wrap && Object.keys(out).length) return { allOf: [{ $ref: ref }], ...out };
  return { $ref: ref, ...out };
}

/** `#/definitions/x` for v2 documents. */
export const v2Ref = (name: string): string => REF_PREFIX + name;
