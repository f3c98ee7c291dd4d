// The pod resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { podFieldLabels, podFields } from './fields.js';
import { podStrategy } from './strategy.js';
import { podTable } from './table.js';

export const podResource = {
  ...podStrategy,
  table: podTable,
  selectableFields: podFields,
  fieldLabels: podFieldLabels,
} as unknown as ResourceStrategy;
