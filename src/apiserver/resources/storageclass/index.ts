// The storageClass resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { storageClassFieldLabels, storageClassFields } from './fields.js';
import { storageClassStrategy } from './strategy.js';
import { storageClassTable } from './table.js';

export const storageClassResource = {
  ...storageClassStrategy,
  table: storageClassTable,
  selectableFields: storageClassFields,
  fieldLabels: storageClassFieldLabels,
} as unknown as ResourceStrategy;
