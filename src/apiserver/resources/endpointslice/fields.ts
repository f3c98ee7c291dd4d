// EndpointSlices select only on metadata.name/metadata.namespace: upstream registers no field label
// conversion for discovery.k8s.io, so any other label gets the default "is not a known field selector" 400.
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { DEFAULT_FIELD_LABELS, type FieldLabelPolicy } from '../../../core/index.js';

export const endpointSliceFieldLabels: FieldLabelPolicy = DEFAULT_FIELD_LABELS;

export function endpointSliceFields(_obj: EndpointSlice): Record<string, string> {
  return {};
}
