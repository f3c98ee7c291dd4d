// `kubectl get cm`: NAME DATA AGE, DATA counting data and binaryData keys.
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, NAME_COLUMN, type Obj } from '../printing.js';

export const configMapTable: TableSpec<Obj<ConfigMap>> = {
  columns: [NAME_COLUMN, column('Data', 'Number of keys in data and binaryData.'), AGE_COLUMN],
  row: (cm, now) => [
    cm.metadata?.name ?? '',
    Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
    age(cm, now),
  ],
};
