// The node resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { nodeFieldLabels, nodeFields } from './fields.js';
import { nodeStrategy } from './strategy.js';
import { nodeTable } from './table.js';

export const nodeResource = {
  ...nodeStrategy,
  table: nodeTable,
  selectableFields: nodeFields,
  fieldLabels: nodeFieldLabels,
} as unknown as ResourceStrategy;
