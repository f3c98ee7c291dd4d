// The configMap resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { configMapFieldLabels, configMapFields } from './fields.js';
import { configMapStrategy } from './strategy.js';
import { configMapTable } from './table.js';

export const configMapResource = {
  ...configMapStrategy,
  table: configMapTable,
  selectableFields: configMapFields,
  fieldLabels: configMapFieldLabels,
} as unknown as ResourceStrategy;
