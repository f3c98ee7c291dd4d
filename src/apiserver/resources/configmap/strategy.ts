// ConfigMap strategy: keys, the 1 MiB total, and `immutable: true` freezing the data.
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { ConfigMaps, type KubeObject } from '../../../core/index.js';
import { field, type FieldError } from '../../../core/index.js';
import {
  isConfigMapKey, key, nameIsDNSSubdomain, semanticEqual, utf8Length, validateObjectMeta, validateObjectMetaUpdate,
} from '../../../core/validation/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';

export type ConfigMapObject = ConfigMap & KubeObject;

export const MAX_CONFIG_SIZE = 1024 * 1024;
export const IMMUTABLE_MSG = 'field is immutable when `immutable` is set';

/** Decoded size of a base64 value (binaryData, secret data). */
export function base64Size(v: string): number {
  const s = v.replace(/\s/g, '');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((s.length * 3) / 4) - pad);
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  let total = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    errs.push(...isConfigMapKey(k).map((m) => field.invalid(key('data', k), k, m)));
    if (cm.binaryData && k in cm.binaryData) errs.push(field.invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    total += utf8Length(String(v));
  }
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
    errs.push(...isConfigMapKey(k).map((m) => field.invalid(key('binaryData', k), k, m)));
    total += base64Size(String(v));
  }
  // Upstream reports the whole object with an empty path, which prints as "[]".
  if (total > MAX_CONFIG_SIZE) errs.push(field.tooLong('[]', '', MAX_CONFIG_SIZE));
  return errs;
}

export function validateConfigMapUpdate(next: ConfigMap, prev: ConfigMap): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, prev.metadata);
  if (prev.immutable) {
    if (!next.immutable) errs.push(field.forbidden('immutable', IMMUTABLE_MSG));
    if (!semanticEqual(next.data ?? {}, prev.data ?? {})) errs.push(field.forbidden('data', IMMUTABLE_MSG));
    if (!semanticEqual(next.binaryData ?? {}, prev.binaryData ?? {})) errs.push(field.forbidden('binaryData', IMMUTABLE_MSG));
  }
  return [...errs, ...validateConfigMap(next)];
}

export const configMapStrategy: Omit<ResourceStrategy<ConfigMapObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: ConfigMaps,
  generation: false,
  defaults() {},
  prepareForCreate() {},
  validate: (cm) => validateConfigMap(cm),
  prepareForUpdate() {},
  validateUpdate: (next, prev) => validateConfigMapUpdate(next, prev),
  // No status subresource: a status write can only touch metadata.
  prepareForStatusUpdate(next, prev) {
    for (const k of Object.keys(next)) if (k !== 'metadata') delete next[k];
    Object.assign(next, { ...prev, metadata: next.metadata });
  },
  validateStatusUpdate: (next, prev) => validateObjectMetaUpdate(next.metadata, prev.metadata),
};
