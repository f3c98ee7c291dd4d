// The persistentVolume resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { persistentVolumeFieldLabels, persistentVolumeFields } from './fields.js';
import { persistentVolumeStrategy } from './strategy.js';
import { persistentVolumeTable } from './table.js';

export const persistentVolumeResource = {
  ...persistentVolumeStrategy,
  table: persistentVolumeTable,
  selectableFields: persistentVolumeFields,
  fieldLabels: persistentVolumeFieldLabels,
} as unknown as ResourceStrategy;
