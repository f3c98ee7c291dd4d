// `kubectl get secrets`: NAME TYPE DATA AGE.
import type { Secret } from 'kubernetes-types/core/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, NAME_COLUMN, type Obj } from '../printing.js';

export const secretTable: TableSpec<Obj<Secret>> = {
  columns: [NAME_COLUMN, column('Type', 'The secret type.'), column('Data', 'Number of keys in data.'), AGE_COLUMN],
  row(secret, now) {
    // stringData is write-only: upstream merges it into data, so count the union of keys.
    const keys = new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})]);
    return [secret.metadata?.name ?? '', secret.type ?? '', keys.size, age(secret, now)];
  },
};
