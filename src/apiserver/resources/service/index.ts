// The service resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { serviceFieldLabels, serviceFields } from './fields.js';
import { serviceStrategy } from './strategy.js';
import { serviceTable } from './table.js';

export const serviceResource = {
  ...serviceStrategy,
  table: serviceTable,
  selectableFields: serviceFields,
  fieldLabels: serviceFieldLabels,
} as unknown as ResourceStrategy;
