// `kubectl get leases`: NAME HOLDER AGE.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, NAME_COLUMN, type Obj } from '../printing.js';

export const leaseTable: TableSpec<Obj<Lease>> = {
  columns: [NAME_COLUMN, column('Holder', 'Identity of the current holder.'), AGE_COLUMN],
  row: (lease, now) => [lease.metadata?.name ?? '', lease.spec?.holderIdentity ?? '', age(lease, now)],
};
