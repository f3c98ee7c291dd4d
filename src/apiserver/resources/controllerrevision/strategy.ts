// ControllerRevision strategy: `data` is mandatory and immutable, `revision` non-negative (I13).
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import { ControllerRevisions, type KubeObject } from '../../../core/index.js';
import { field, type FieldError } from '../../../core/index.js';
import {
  nameIsDNSSubdomain, validateImmutable, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate,
} from '../../../core/validation/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';

export type ControllerRevisionObject = ControllerRevision & KubeObject;

export function validateControllerRevision(cr: ControllerRevision): FieldError[] {
  const errs = validateObjectMeta(cr.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  if (cr.data === undefined || cr.data === null) errs.push(field.required('data', 'data is mandatory'));
  return [...errs, ...validateNonnegative(cr.revision, 'revision')];
}

export const controllerRevisionStrategy: Omit<ResourceStrategy<ControllerRevisionObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: ControllerRevisions,
  generation: false,
  defaults() {},
  prepareForCreate() {},
  validate: (cr) => validateControllerRevision(cr),
  prepareForUpdate() {},
  validateUpdate: (next, prev) => [
    ...validateObjectMetaUpdate(next.metadata, prev.metadata),
    ...validateControllerRevision(next),
    ...validateImmutable(next.data, prev.data, 'data'),
  ],
  // No status subresource: a status write can only touch metadata.
  prepareForStatusUpdate(next, prev) {
    for (const k of Object.keys(next)) if (k !== 'metadata') delete next[k];
    Object.assign(next, { ...prev, metadata: next.metadata });
  },
  validateStatusUpdate: (next, prev) => validateObjectMetaUpdate(next.metadata, prev.metadata),
};
