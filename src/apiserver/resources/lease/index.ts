// The lease resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { leaseFieldLabels, leaseFields } from './fields.js';
import { leaseStrategy } from './strategy.js';
import { leaseTable } from './table.js';

export const leaseResource = {
  ...leaseStrategy,
  table: leaseTable,
  selectableFields: leaseFields,
  fieldLabels: leaseFieldLabels,
} as unknown as ResourceStrategy;
