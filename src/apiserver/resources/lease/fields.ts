// Leases select only on metadata.name/metadata.namespace: upstream registers no field label
// conversion for them, so any other label gets the default "is not a known field selector" 400.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { DEFAULT_FIELD_LABELS, type FieldLabelPolicy } from '../../../core/index.js';

export const leaseFieldLabels: FieldLabelPolicy = DEFAULT_FIELD_LABELS;

export function leaseFields(_obj: Lease): Record<string, string> {
  return {};
}
