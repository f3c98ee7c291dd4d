// `kubectl get ns`: NAME STATUS AGE.
import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, NAME_COLUMN, type Obj } from '../printing.js';

export const namespaceTable: TableSpec<Obj<Namespace>> = {
  columns: [NAME_COLUMN, column('Status', 'Active or Terminating.'), AGE_COLUMN],
  row: (ns, now) => [ns.metadata?.name ?? '', ns.status?.phase ?? '', age(ns, now)],
};
