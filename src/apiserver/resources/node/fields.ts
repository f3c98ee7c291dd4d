// Node field selectors: spec.unschedulable ("true"/"false"). Upstream's conversion function for
// nodes accepts only metadata.name and spec.unschedulable (not metadata.namespace).
import type { Node } from 'kubernetes-types/core/v1.js';
import { customFieldLabels, type FieldLabelPolicy } from '../../../core/index.js';

export const nodeFieldLabels: FieldLabelPolicy = customFieldLabels(['metadata.name', 'spec.unschedulable']);

export function nodeFields(node: Node): Record<string, string> {
  return { 'spec.unschedulable': String(node.spec?.unschedulable === true) };
}
