// StatefulSet strategy: defaults (D1, B11), empty status and generation 1 on create (D2),
// status ignored on spec writes and spec ignored on status writes.
import type { StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import { StatefulSets, type KubeObject } from '../../../core/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';
import { defaultStatefulSet } from './defaults.js';
import { validateStatefulSet, validateStatefulSetStatusUpdate, validateStatefulSetUpdate } from './validation.js';

export type StatefulSetObject = StatefulSet & KubeObject;
type Writable = { status?: StatefulSetStatus };

/** MaxUnavailableStatefulSet is alpha (off) in 1.33: the field is dropped unless already stored. */
function dropMaxUnavailable(next: StatefulSetObject, prev?: StatefulSetObject): void {
  if (prev?.spec?.updateStrategy?.rollingUpdate?.maxUnavailable != null) return;
  const ru = next.spec?.updateStrategy?.rollingUpdate;
  if (ru) delete ru.maxUnavailable;
}

export const statefulSetStrategy: Omit<ResourceStrategy<StatefulSetObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: StatefulSets,
  generation: true,
  defaults: (sts) => defaultStatefulSet(sts),
  prepareForCreate(sts) {
    (sts as Writable).status = { replicas: 0, availableReplicas: 0 };
    dropMaxUnavailable(sts);
  },
  validate: (sts) => validateStatefulSet(sts),
  prepareForUpdate(next, prev) {
    (next as Writable).status = prev.status;
    dropMaxUnavailable(next, prev);
  },
  validateUpdate: (next, prev) => validateStatefulSetUpdate(next, prev),
  prepareForStatusUpdate(next, prev) {
    next.spec = prev.spec;
  },
  validateStatusUpdate: (next, prev) => validateStatefulSetStatusUpdate(next, prev),
};
