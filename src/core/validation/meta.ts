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

/**
 * Semantic equality as upstream's Semantic.DeepEqual: nil and empty slices/maps are equal.
 * Values that are "absent" (undefined, null, an empty list, an object with only absent
 * members) equal each other; list items compare pairwise, object members by key. Compares in
 * place, without building pruned copies (it runs on every update of most kinds).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  // One object is equal to itself (frozen objects are shared between the current and the next
  // version); a number is compared below, as NaN never equals itself. (A NaN inside a shared
  // object no longer makes it unequal to itself; JSON, and so any request text, has no NaN.)
  if (a === b && typeof a !== 'number') return true;
  const ea = isAbsent(a);
  const eb = isAbsent(b);
  if (ea || eb) return ea && eb;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!semanticEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let present = 0;
  for (const k of Object.keys(ao)) {
    if (isAbsent(ao[k])) continue;
    if (!semanticEqual(ao[k], bo[k])) return false;
    present++;
  }
  for (const k of Object.keys(bo)) if (!isAbsent(bo[k])) present--;
  return present === 0;
}

/** Whether Semantic.DeepEqual sees no value: undefined, null, [], or an object of such members. */
function isAbsent(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.length === 0;
  for (const k of Object.keys(v)) if (!isAbsent((v as Record<string, unknown>)[k])) return false;
  return true;
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
  return pushLabelErrors([], labels, path);
}

function pushLabelErrors(errs: FieldError[], labels: Record<string, string> | undefined | null, path: string): FieldError[] {
  if (!labels) return errs;
  for (const k of Object.keys(labels)) {
    const v = labels[k];
    for (const m of isQualifiedName(k)) errs.push(field.invalid(path, k, m));
    for (const m of isValidLabelValue(String(v))) errs.push(field.invalid(path, v, m));
  }
  return errs;
}

// Annotation keys repeat on every write of an object: remember the ones that passed.
const validAnnotationKeys = new Set<string>();
const VALID_KEYS_MAX = 4096;

export function validateAnnotations(annotations: Record<string, string> | undefined | null, path: string): FieldError[] {
  return pushAnnotationErrors([], annotations, path);
}

function pushAnnotationErrors(errs: FieldError[], annotations: Record<string, string> | undefined | null, path: string): FieldError[] {
  if (!annotations) return errs;
  let total = 0;
  for (const k of Object.keys(annotations)) {
    // Annotation keys are qualified names in any letter case.
    if (!validAnnotationKeys.has(k)) {
      const msgs = isQualifiedName(k.toLowerCase());
      if (msgs.length === 0) {
        if (validAnnotationKeys.size >= VALID_KEYS_MAX) validAnnotationKeys.clear();
        validAnnotationKeys.add(k);
      }
      for (const m of msgs) errs.push(field.invalid(path, k, m));
    }
    total += utf8Length(k) + utf8Length(String(annotations[k]));
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
  return isKubeFinalizerName(name) ? [] : [kubeFinalizerError(name, path)];
}

const isKubeFinalizerName = (name: string): boolean => name.includes('/') || STANDARD_FINALIZERS.has(name);
const kubeFinalizerError = (name: string, path: string): FieldError =>
  field.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified');

export function validateFinalizers(finalizers: string[] | undefined | null, path: string): FieldError[] {
  return pushFinalizerErrors([], finalizers, path);
}

function pushFinalizerErrors(errs: FieldError[], finalizers: string[] | undefined | null, path: string): FieldError[] {
  if (!finalizers) return errs;
  for (const f of finalizers) for (const m of isQualifiedName(f)) errs.push(field.invalid(path, f, m));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(field.invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function pushManagedFieldsErrors(errs: FieldError[], entries: ObjectMeta['managedFields'], path: string): void {
  if (!entries) return;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push(field.invalid(child(index(path, i), 'operation'), e.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (e.fieldsType && e.fieldsType !== 'FieldsV1') errs.push(field.invalid(child(index(path, i), 'fieldsType'), e.fieldsType, 'must be `FieldsV1`'));
    if ((e.manager ?? '').length > 128) errs.push(field.tooLong(child(index(path, i), 'manager'), e.manager, 128));
    if ((e.subresource ?? '').length > 256) errs.push(field.tooLong(child(index(path, i), 'subresource'), e.subresource, 256));
  }
}

// Paths of the default `metadata` root, built once (every write of every kind uses them).
const DEFAULT_PATHS = metaPaths('metadata');

function metaPaths(path: string) {
  return {
    generation: child(path, 'generation'), labels: child(path, 'labels'), annotations: child(path, 'annotations'),
    ownerReferences: child(path, 'ownerReferences'), finalizers: child(path, 'finalizers'), managedFields: child(path, 'managedFields'),
  };
}

function pathsOf(path: string): typeof DEFAULT_PATHS {
  return path === 'metadata' ? DEFAULT_PATHS : metaPaths(path);
}

function pushMetaCommon(errs: FieldError[], meta: ObjectMeta, paths: typeof DEFAULT_PATHS): void {
  if ((meta.generation ?? 0) < 0) errs.push(field.invalid(paths.generation, meta.generation, IS_NEGATIVE));
  pushLabelErrors(errs, meta.labels, paths.labels);
  pushAnnotationErrors(errs, meta.annotations, paths.annotations);
  if (meta.ownerReferences?.length) errs.push(...validateOwnerReferences(meta.ownerReferences, paths.ownerReferences));
  pushFinalizerErrors(errs, meta.finalizers, paths.finalizers);
  pushManagedFieldsErrors(errs, meta.managedFields, paths.managedFields);
}

function pushKubeFinalizers(errs: FieldError[], meta: ObjectMeta, paths: typeof DEFAULT_PATHS): void {
  const list = meta.finalizers;
  if (!list) return;
  for (let i = 0; i < list.length; i++) {
    if (!isKubeFinalizerName(list[i])) errs.push(kubeFinalizerError(list[i], index(paths.finalizers, i)));
  }
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
  const paths = pathsOf(path);
  pushMetaCommon(errs, m, paths);
  pushKubeFinalizers(errs, m, paths);
  return errs;
}

/** Update-time metadata checks left to the kind (the registry restores the system fields). */
export function validateObjectMetaUpdate(next: ObjectMeta | undefined, prev: ObjectMeta | undefined, path = 'metadata'): FieldError[] {
  const n = next ?? {};
  const p = prev ?? {};
  const errs: FieldError[] = [];
  const paths = pathsOf(path);
  if ((n.generation ?? 0) < (p.generation ?? 0)) errs.push(field.invalid(paths.generation, n.generation, 'must not be decremented'));
  pushLabelErrors(errs, n.labels, paths.labels);
  pushAnnotationErrors(errs, n.annotations, paths.annotations);
  if (n.ownerReferences?.length) errs.push(...validateOwnerReferences(n.ownerReferences, paths.ownerReferences));
  pushManagedFieldsErrors(errs, n.managedFields, paths.managedFields);
  pushKubeFinalizers(errs, n, paths);
  return errs;
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
