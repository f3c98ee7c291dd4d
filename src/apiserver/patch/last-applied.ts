// The bridge between client-side apply (kubectl's last-applied-configuration annotation) and
// server-side apply, for the manager named "kubectl" only, as upstream has it:
//   - when `kubectl apply --server-side` conflicts with fields the annotation says kubectl
//     applied client-side (and that still hold those values), the apply takes them over;
//   - after such an apply, an existing annotation is rewritten to the new configuration.
import { FieldSet } from './fieldset.js';
import type { TypeNode } from './schema-model.js';
import { compareTyped } from './typed-compare.js';
import { toFieldSet } from './typed-fieldset.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** The field manager kubectl uses for server-side apply; the only one the bridge serves. */
export const KUBECTL_APPLIER = 'kubectl';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const annotationsOf = (obj: unknown): Obj | undefined => {
  const meta = isObj(obj) ? obj.metadata : undefined;
  const a = isObj(meta) ? meta.annotations : undefined;
  return isObj(a) ? a : undefined;
};

export function lastApplied(obj: unknown): string | undefined {
  const v = annotationsOf(obj)?.[LAST_APPLIED_ANNOTATION];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** JSON with object keys sorted, as Go marshals maps. */
export function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${sortedJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** The annotation value for an applied configuration: itself, without the annotation. */
export function buildLastApplied(config: Obj): string {
  const copy = structuredClone(config);
  const annotations = annotationsOf(copy);
  if (annotations) delete annotations[LAST_APPLIED_ANNOTATION];
  return sortedJson(copy);
}

export function setLastApplied(obj: Obj, value: string): void {
  const meta = (isObj(obj.metadata) ? obj.metadata : (obj.metadata = {})) as Obj;
  const annotations = (isObj(meta.annotations) ? meta.annotations : (meta.annotations = {})) as Obj;
  annotations[LAST_APPLIED_ANNOTATION] = value;
}

/**
 * Fields the annotation says were applied client-side and that still have the applied values:
 * conflicts on these are the applier's own. Undefined when there is no usable annotation.
 */
export function fieldsAppliedClientSide(root: TypeNode, apiVersion: string, live: Obj): FieldSet | undefined {
  const text = lastApplied(live);
  if (!text) return undefined;
  let applied: unknown;
  try {
    applied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(applied) || applied.apiVersion !== apiVersion) return undefined;
  const { set, errors } = toFieldSet(root, applied);
  if (errors.length) return undefined;
  const c = compareTyped(root, applied, live);
  return set.difference(c.modified).difference(c.added).difference(c.removed);
}
