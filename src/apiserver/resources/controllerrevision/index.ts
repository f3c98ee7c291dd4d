// The controllerRevision resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { controllerRevisionFieldLabels, controllerRevisionFields } from './fields.js';
import { controllerRevisionStrategy } from './strategy.js';
import { controllerRevisionTable } from './table.js';

export const controllerRevisionResource = {
  ...controllerRevisionStrategy,
  table: controllerRevisionTable,
  selectableFields: controllerRevisionFields,
  fieldLabels: controllerRevisionFieldLabels,
} as unknown as ResourceStrategy;
