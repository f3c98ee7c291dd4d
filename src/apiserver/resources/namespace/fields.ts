// Namespace field selectors: status.phase. Upstream's conversion function for namespaces accepts
// only metadata.name and status.phase (not metadata.namespace).
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { customFieldLabels, type FieldLabelPolicy } from '../../../core/index.js';

export const namespaceFieldLabels: FieldLabelPolicy = customFieldLabels(['metadata.name', 'status.phase']);

export function namespaceFields(ns: Namespace): Record<string, string> {
  return { 'status.phase': ns.status?.phase ?? '' };
}
