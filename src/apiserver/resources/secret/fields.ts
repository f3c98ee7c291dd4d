// Secret field selectors: type (e.g. `type=kubernetes.io/service-account-token`).
import type { Secret } from 'kubernetes-types/core/v1.js';
import { customFieldLabels, type FieldLabelPolicy } from '../../../core/index.js';

export const secretFieldLabels: FieldLabelPolicy = customFieldLabels(['type', 'metadata.namespace', 'metadata.name']);

export function secretFields(secret: Secret): Record<string, string> {
  return { type: secret.type ?? '' };
}
