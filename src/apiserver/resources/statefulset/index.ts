// The statefulSet resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { statefulSetFieldLabels, statefulSetFields } from './fields.js';
import { statefulSetStrategy } from './strategy.js';
import { statefulSetTable } from './table.js';

export const statefulSetResource = {
  ...statefulSetStrategy,
  table: statefulSetTable,
  selectableFields: statefulSetFields,
  fieldLabels: statefulSetFieldLabels,
} as unknown as ResourceStrategy;
