// Service field selectors: spec.clusterIP and spec.type (selectable since upstream 1.31).
import type { Service } from 'kubernetes-types/core/v1.js';
import { customFieldLabels, type FieldLabelPolicy } from '../../../core/index.js';

export const serviceFieldLabels: FieldLabelPolicy =
  customFieldLabels(['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type']);

export function serviceFields(svc: Service): Record<string, string> {
  return { 'spec.clusterIP': svc.spec?.clusterIP ?? '', 'spec.type': svc.spec?.type ?? '' };
}
