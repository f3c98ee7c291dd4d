// The namespace resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { namespaceFieldLabels, namespaceFields } from './fields.js';
import { namespaceStrategy } from './strategy.js';
import { namespaceTable } from './table.js';

export const namespaceResource = {
  ...namespaceStrategy,
  table: namespaceTable,
  selectableFields: namespaceFields,
  fieldLabels: namespaceFieldLabels,
} as unknown as ResourceStrategy;
