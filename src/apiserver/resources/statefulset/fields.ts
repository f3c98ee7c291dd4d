// StatefulSets select only on metadata.name/metadata.namespace: upstream registers no field label
// conversion for them, so any other label gets the default "is not a known field selector" 400.
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { DEFAULT_FIELD_LABELS, type FieldLabelPolicy } from '../../../core/index.js';

export const statefulSetFieldLabels: FieldLabelPolicy = DEFAULT_FIELD_LABELS;

export function statefulSetFields(_obj: StatefulSet): Record<string, string> {
  return {};
}
