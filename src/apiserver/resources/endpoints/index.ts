// The endpoints resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { endpointsFieldLabels, endpointsFields } from './fields.js';
import { endpointsStrategy } from './strategy.js';
import { endpointsTable } from './table.js';

export const endpointsResource = {
  ...endpointsStrategy,
  table: endpointsTable,
  selectableFields: endpointsFields,
  fieldLabels: endpointsFieldLabels,
} as unknown as ResourceStrategy;
