// ObjectMeta rules (apimachinery api/validation/objectmeta.go + core's finalizer check).
// The generic registry owns namespace presence, uid/name/namespace/timestamps immutability,
// generation and resourceVersion; what is left per kind lives here.
import { field, type FieldError } from '../errors.js';
import type { ObjectMeta, OwnerReference } from '../types.js';
import { GoValue } from './govalue.js';
import { FIELD_IMMUTABLE, IS_NEGATIVE } from './messages.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, utf8Length, type NameValidator } from './names.js';
import { child, index } from './path.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export interface ObjectMetaOptions {
  readonly namespaced: boolean;
  readonly nameValidator: NameValidator;
}

export function validateNonnegative(value: number | undefined | null, path: string): FieldError[] {
  return (value ?? 0) < 0 ? [field.invalid(path, value, IS_NEGATIVE)] : [];
}

/** Deep equality for JSON-shaped values; undefined members count as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => jsonEqual(ao[k], bo[k]));
}

/** Semantic equality as upstream's Semantic.DeepEqual: nil and empty slices/maps are equal. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return jsonEqual(prune(a), prune(b));
}

function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(prune) : undefined;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

/** Go's zero value check for JSON values: unset, null, "", 0, false, empty list or object. */
export function isZeroValue(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v as object).every(isZeroValue);
  return false;
}

export function validateImmutable(next: unknown, prev: unknown, path: string, shown: unknown = next): FieldError[] {
  return semanticEqual(next, prev) ? [] : [field.invalid(path, shown, FIELD_IMMUTABLE)];
}

export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => field.invalid(path, name, m));
}

export function validateLabels(labels: Record<string, string> | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    errs.push(...isValidLabelValue(String(v)).map((m) => field.invalid(path, v, m)));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names in any letter case.
    errs.push(...isQualifiedName(k.toLowerCase()).map((m) => field.invalid(path, k, m)));
    total += utf8Length(k) + utf8Length(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(field.tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function parseGroupVersion(apiVersion: string): { group: string; version: string } | undefined {
  if (!apiVersion) return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0] };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  return undefined;
}

export function validateOwnerReferences(refs: OwnerReference[] | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    const gv = parseGroupVersion(ref.apiVersion ?? '');
    if (!gv?.version) errs.push(field.invalid(child(path, 'apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(field.invalid(child(path, 'kind'), ref.kind ?? '', 'must not be empty'));
    if (!ref.name) errs.push(field.invalid(child(path, 'name'), ref.name ?? '', 'must not be empty'));
    if (!ref.uid) errs.push(field.invalid(child(path, 'uid'), ref.uid ?? '', 'must not be empty'));
    if (gv && gv.group === '' && gv.version === 'v1' && ref.kind === 'Event') {
      errs.push(field.invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller) {
      const name = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(field.invalid(path, refs,
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`));
      } else firstController = name;
    }
  }
  return errs;
}

/** Single-segment finalizers must be one of the standard ones (core's extra rule). */
export function validateKubeFinalizerName(name: string, path: string): FieldError[] {
  if (name.split('/').length === 1 && !STANDARD_FINALIZERS.has(name)) {
    return [field.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

export function validateFinalizers(finalizers: string[] | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) errs.push(...isQualifiedName(f).map((m) => field.invalid(path, f, m)));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(field.invalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function validateManagedFields(entries: ObjectMeta['managedFields'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const p = index(path, i);
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push(field.invalid(child(p, 'operation'), e.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (e.fieldsType && e.fieldsType !== 'FieldsV1') errs.push(field.invalid(child(p, 'fieldsType'), e.fieldsType, 'must be `FieldsV1`'));
    if ((e.manager ?? '').length > 128) errs.push(field.tooLong(child(p, 'manager'), e.manager, 128));
    if ((e.subresource ?? '').length > 256) errs.push(field.tooLong(child(p, 'subresource'), e.subresource, 256));
  });
  return errs;
}

function validateMetaCommon(meta: ObjectMeta, path: string): FieldError[] {
  return [
    ...validateNonnegative(meta.generation, child(path, 'generation')),
    ...validateLabels(meta.labels, child(path, 'labels')),
    ...validateAnnotations(meta.annotations, child(path, 'annotations')),
    ...validateOwnerReferences(meta.ownerReferences, child(path, 'ownerReferences')),
    ...validateFinalizers(meta.finalizers, child(path, 'finalizers')),
    ...validateManagedFields(meta.managedFields, child(path, 'managedFields')),
  ];
}

function kubeFinalizers(meta: ObjectMeta, path: string): FieldError[] {
  return (meta.finalizers ?? []).flatMap((f, i) => validateKubeFinalizerName(f, index(child(path, 'finalizers'), i)));
}

/**
 * Create-time metadata checks. A missing namespace is reported by the registry, so only its
 * format is checked here; a namespace on a cluster-scoped kind is Forbidden.
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions, path = 'metadata'): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    errs.push(...opts.nameValidator(m.generateName, true).map((msg) => field.invalid(child(path, 'generateName'), m.generateName, msg)));
  }
  if (!m.name) errs.push(field.required(child(path, 'name'), 'name or generateName is required'));
  else errs.push(...opts.nameValidator(m.name, false).map((msg) => field.invalid(child(path, 'name'), m.name, msg)));
  if (opts.namespaced) {
    if (m.namespace) {
      errs.push(...nameIsDNSLabel(m.namespace, false).map((msg) => field.invalid(child(path, 'namespace'), m.namespace, msg)));
    }
  } else if (m.namespace) {
    errs.push(field.forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  return [...errs, ...validateMetaCommon(m, path), ...kubeFinalizers(m, path)];
}

/** Update-time metadata checks left to the kind (the registry restores the system fields). */
export function validateObjectMetaUpdate(next: ObjectMeta | undefined, prev: ObjectMeta | undefined, path = 'metadata'): FieldError[] {
  const n = next ?? {};
  const p = prev ?? {};
  const errs: FieldError[] = [];
  if ((n.generation ?? 0) < (p.generation ?? 0)) errs.push(field.invalid(child(path, 'generation'), n.generation, 'must not be decremented'));
  errs.push(...validateLabels(n.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(n.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, child(path, 'ownerReferences')));
  errs.push(...validateManagedFields(n.managedFields, child(path, 'managedFields')));
  return [...errs, ...kubeFinalizers(n, path)];
}

/** Embedded metadata (volume claim templates in ephemeral volumes): labels and annotations only. */
export function validateTemplateObjectMeta(meta: ObjectMeta | undefined, path: string): FieldError[] {
  const m = meta ?? {};
  const errs = [...validateAnnotations(m.annotations, child(path, 'annotations')), ...validateLabels(m.labels, child(path, 'labels'))];
  for (const [k, v] of Object.entries(m)) {
    if (k === 'labels' || k === 'annotations' || isZeroValue(v)) continue;
    errs.push(field.forbidden(child(path, k), 'cannot be set'));
  }
  return errs;
}

export { GoValue };
