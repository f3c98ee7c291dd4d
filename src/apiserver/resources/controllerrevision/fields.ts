// ControllerRevisions select only on metadata.name/metadata.namespace: upstream registers no field label
// conversion for them, so any other label gets the default "is not a known field selector" 400.
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import { DEFAULT_FIELD_LABELS, type FieldLabelPolicy } from '../../../core/index.js';

export const controllerRevisionFieldLabels: FieldLabelPolicy = DEFAULT_FIELD_LABELS;

export function controllerRevisionFields(_obj: ControllerRevision): Record<string, string> {
  return {};
}
