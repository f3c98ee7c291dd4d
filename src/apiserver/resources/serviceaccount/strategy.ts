// ServiceAccount strategy: name format, and secret references trimmed to their names.
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import { ServiceAccounts, type KubeObject } from '../../../core/index.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../../core/validation/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';

export type ServiceAccountObject = ServiceAccount & KubeObject;

function cleanSecretReferences(sa: ServiceAccountObject): void {
  if (sa.secrets) sa.secrets = sa.secrets.map((s) => (s.name === undefined ? {} : { name: s.name }));
}

const validate = (sa: ServiceAccountObject) => validateObjectMeta(sa.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });

export const serviceAccountStrategy: Omit<ResourceStrategy<ServiceAccountObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: ServiceAccounts,
  generation: false,
  defaults() {},
  prepareForCreate: (sa) => cleanSecretReferences(sa),
  validate,
  prepareForUpdate: (next) => cleanSecretReferences(next),
  validateUpdate: (next, prev) => [...validateObjectMetaUpdate(next.metadata, prev.metadata), ...validate(next)],
  // No status subresource: a status write can only touch metadata.
  prepareForStatusUpdate(next, prev) {
    for (const k of Object.keys(next)) if (k !== 'metadata') delete next[k];
    Object.assign(next, { ...prev, metadata: next.metadata });
  },
  validateStatusUpdate: (next, prev) => validateObjectMetaUpdate(next.metadata, prev.metadata),
};
