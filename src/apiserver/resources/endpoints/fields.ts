// Endpoints select only on metadata.name/metadata.namespace: upstream registers no field label
// conversion for them, so any other label gets the default "is not a known field selector" 400.
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import { DEFAULT_FIELD_LABELS, type FieldLabelPolicy } from '../../../core/index.js';

export const endpointsFieldLabels: FieldLabelPolicy = DEFAULT_FIELD_LABELS;

export function endpointsFields(_obj: Endpoints): Record<string, string> {
  return {};
}
