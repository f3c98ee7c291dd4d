// StorageClasses select only on metadata.name/metadata.namespace: upstream registers no field label
// conversion for them, so any other label gets the default "is not a known field selector" 400.
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { DEFAULT_FIELD_LABELS, type FieldLabelPolicy } from '../../../core/index.js';

export const storageClassFieldLabels: FieldLabelPolicy = DEFAULT_FIELD_LABELS;

export function storageClassFields(_obj: StorageClass): Record<string, string> {
  return {};
}
