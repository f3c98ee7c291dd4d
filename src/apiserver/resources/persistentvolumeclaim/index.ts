// The persistentVolumeClaim resource: strategy (defaults, validation), table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { persistentVolumeClaimFieldLabels, persistentVolumeClaimFields } from './fields.js';
import { persistentVolumeClaimStrategy } from './strategy.js';
import { persistentVolumeClaimTable } from './table.js';

export const persistentVolumeClaimResource = {
  ...persistentVolumeClaimStrategy,
  table: persistentVolumeClaimTable,
  selectableFields: persistentVolumeClaimFields,
  fieldLabels: persistentVolumeClaimFieldLabels,
} as unknown as ResourceStrategy;

export { checkPvcResize, claimClass } from './validation.js';
