// Namespace strategy: the "kubernetes" finalizer and phase Active on create, the
// kubernetes.io/metadata.name label always equal to the name, finalizers kept on spec writes
// (they change through /finalize), and the phase tied to deletionTimestamp on status writes.
import type { Namespace, NamespaceStatus } from 'kubernetes-types/core/v1.js';
import { Namespaces, type KubeObject } from '../../../core/index.js';
import { field, type FieldError } from '../../../core/index.js';
import {
  isQualifiedName, nameIsDNSLabel, validateKubeFinalizerName, validateObjectMeta, validateObjectMetaUpdate,
} from '../../../core/validation/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';

export type NamespaceObject = Namespace & KubeObject;
type Writable = { status?: NamespaceStatus };

export const NAME_LABEL = 'kubernetes.io/metadata.name';

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, nameValidator: nameIsDNSLabel });
  for (const f of ns.spec?.finalizers ?? []) {
    errs.push(...isQualifiedName(f).map((m) => field.invalid('spec.finalizers', f, m)));
    errs.push(...validateKubeFinalizerName(f, 'spec.finalizers'));
  }
  return errs;
}

export function validateNamespaceStatusUpdate(next: Namespace, prev: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, prev.metadata);
  const phase = next.status?.phase ?? '';
  if (!next.metadata?.deletionTimestamp) {
    if (phase !== 'Active') errs.push(field.invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(field.invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

export const namespaceStrategy: Omit<ResourceStrategy<NamespaceObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: Namespaces,
  generation: false,
  defaults(ns) {
    const name = ns.metadata?.name;
    if (name) ns.metadata!.labels = { ...(ns.metadata!.labels ?? {}), [NAME_LABEL]: name };
    const status = ((ns as Writable).status ??= {});
    status.phase ||= 'Active';
  },
  prepareForCreate(ns) {
    (ns as Writable).status = { phase: 'Active' };
    const spec = (ns.spec ??= {});
    if (!(spec.finalizers ?? []).includes('kubernetes')) spec.finalizers = [...(spec.finalizers ?? []), 'kubernetes'];
  },
  validate: (ns) => validateNamespace(ns),
  prepareForUpdate(next, prev) {
    next.spec = { ...(next.spec ?? {}), finalizers: prev.spec?.finalizers };
    if (!next.spec.finalizers) delete next.spec.finalizers;
    (next as Writable).status = prev.status;
  },
  validateUpdate: (next, prev) => [...validateNamespace(next), ...validateObjectMetaUpdate(next.metadata, prev.metadata)],
  prepareForStatusUpdate(next, prev) {
    next.spec = prev.spec;
  },
  validateStatusUpdate: (next, prev) => validateNamespaceStatusUpdate(next, prev),
};
