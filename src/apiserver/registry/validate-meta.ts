// Metadata rules the registry enforces for every kind, before system fields are restored.
// Per-kind ObjectMeta validation (name format, labels, annotations) lives in the strategies.
import { field, type FieldError, type KubeObject, type ResourceType } from '../../core/index.js';

export function validateGenericMeta(obj: KubeObject, type: ResourceType): FieldError[] {
  const errs: FieldError[] = [];
  if (type.namespaced && !obj.metadata?.namespace) errs.push(field.required('metadata.namespace'));
  return errs;
}

export function validateGenericMetaUpdate(next: KubeObject, prev: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const n = next.metadata ?? {};
  const p = prev.metadata ?? {};
  if (n.uid && n.uid !== p.uid) errs.push(field.invalid('metadata.uid', n.uid, 'field is immutable'));
  if (n.namespace && p.namespace && n.namespace !== p.namespace) {
    errs.push(field.invalid('metadata.namespace', n.namespace, 'field is immutable'));
  }
  if (p.deletionTimestamp) {
    const had = new Set(p.finalizers ?? []);
    if ((n.finalizers ?? []).some((f) => !had.has(f))) {
      errs.push(field.forbidden('metadata.finalizers', 'no new finalizers can be added if the object is being deleted'));
    }
  }
  return errs;
}
