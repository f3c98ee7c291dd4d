// `kubectl get sts`: NAME READY (ready/desired) AGE, + CONTAINERS IMAGES wide.
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, containerCells, NAME_COLUMN, type Obj } from '../printing.js';

export const statefulSetTable: TableSpec<Obj<StatefulSet>> = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'Ready pods out of desired replicas.'),
    AGE_COLUMN,
    column('Containers', 'Names of the containers in the pod template.', { wide: true }),
    column('Images', 'Images of the containers in the pod template.', { wide: true }),
  ],
  row(sts, now) {
    // spec.replicas defaults to 1 upstream before printing.
    const desired = sts.spec?.replicas ?? 1;
    const [names, images] = containerCells(sts.spec?.template?.spec?.containers);
    return [sts.metadata?.name ?? '', `${sts.status?.readyReplicas ?? 0}/${desired}`, age(sts, now), names, images];
  },
};
