// The secret resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { secretFieldLabels, secretFields } from './fields.js';
import { secretStrategy } from './strategy.js';
import { secretTable } from './table.js';

export const secretResource = {
  ...secretStrategy,
  table: secretTable,
  selectableFields: secretFields,
  fieldLabels: secretFieldLabels,
} as unknown as ResourceStrategy;
