// The event resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { eventFieldLabels, eventFields } from './fields.js';
import { eventStrategy } from './strategy.js';
import { eventTable } from './table.js';

export const eventResource = {
  ...eventStrategy,
  table: eventTable,
  selectableFields: eventFields,
  fieldLabels: eventFieldLabels,
} as unknown as ResourceStrategy;
