// Lease strategy (coordination.k8s.io): durations and transitions, coordinated strategy names.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { Leases, type KubeObject } from '../../../core/index.js';
import { field, type FieldError } from '../../../core/index.js';
import { isQualifiedName, nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../../core/validation/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';

export type LeaseObject = Lease & KubeObject;

export function validateLeaseSpec(lease: Lease, path = 'spec'): FieldError[] {
  const spec = (lease.spec ?? {}) as NonNullable<Lease['spec']> & { strategy?: string; preferredHolder?: string };
  const errs: FieldError[] = [];
  if (spec.leaseDurationSeconds != null && spec.leaseDurationSeconds <= 0) {
    errs.push(field.invalid(`${path}.leaseDurationSeconds`, spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (spec.leaseTransitions != null && spec.leaseTransitions < 0) {
    errs.push(field.invalid(`${path}.leaseTransitions`, spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  if (spec.strategy != null) {
    // Upstream nests the child twice: spec.strategy.strategy.
    const p = `${path}.strategy.strategy`;
    if (!spec.strategy.includes('/')) {
      if (spec.strategy !== 'OldestEmulationVersion') errs.push(field.notSupported(p, spec.strategy, ['OldestEmulationVersion']));
    } else errs.push(...isQualifiedName(spec.strategy).map((m) => field.invalid(p, spec.strategy, m)));
  }
  if (spec.preferredHolder && !spec.strategy) errs.push(field.forbidden(`${path}.preferredHolder`, 'may only be specified if `strategy` is defined'));
  return errs;
}

const validate = (lease: LeaseObject) => [
  ...validateObjectMeta(lease.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...validateLeaseSpec(lease),
];

export const leaseStrategy: Omit<ResourceStrategy<LeaseObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: Leases,
  generation: false,
  defaults() {},
  prepareForCreate() {},
  validate,
  prepareForUpdate() {},
  validateUpdate: (next, prev) => [...validateObjectMetaUpdate(next.metadata, prev.metadata), ...validateLeaseSpec(next)],
  // No status subresource: a status write can only touch metadata.
  prepareForStatusUpdate(next, prev) {
    for (const k of Object.keys(next)) if (k !== 'metadata') delete next[k];
    Object.assign(next, { ...prev, metadata: next.metadata });
  },
  validateStatusUpdate: (next, prev) => validateObjectMetaUpdate(next.metadata, prev.metadata),
};
