// `kubectl get sa`: NAME SECRETS AGE (SECRETS counts the legacy secrets list, usually 0).
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, NAME_COLUMN, type Obj } from '../printing.js';

export const serviceAccountTable: TableSpec<Obj<ServiceAccount>> = {
  columns: [NAME_COLUMN, column('Secrets', 'Number of secrets listed on the service account.'), AGE_COLUMN],
  row: (sa, now) => [sa.metadata?.name ?? '', (sa.secrets ?? []).length, age(sa, now)],
};
