// The serviceAccount resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { serviceAccountFieldLabels, serviceAccountFields } from './fields.js';
import { serviceAccountStrategy } from './strategy.js';
import { serviceAccountTable } from './table.js';

export const serviceAccountResource = {
  ...serviceAccountStrategy,
  table: serviceAccountTable,
  selectableFields: serviceAccountFields,
  fieldLabels: serviceAccountFieldLabels,
} as unknown as ResourceStrategy;
