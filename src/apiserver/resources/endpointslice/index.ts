// The endpointslice resource (discovery.k8s.io/v1): strategy, table columns and field selectors.
import type { ResourceStrategy } from '../../registry/strategy.js';
import { endpointSliceFieldLabels, endpointSliceFields } from './fields.js';
import { endpointSliceStrategy } from './strategy.js';
import { endpointSliceTable } from './table.js';

export const endpointSliceResource = {
  ...endpointSliceStrategy,
  table: endpointSliceTable,
  selectableFields: endpointSliceFields,
  fieldLabels: endpointSliceFieldLabels,
} as unknown as ResourceStrategy;
