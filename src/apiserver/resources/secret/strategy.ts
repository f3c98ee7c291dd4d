// Secret strategy: stringData folded into data (the v1 conversion), type Opaque by default,
// per-type required keys, 1 MiB total, type immutable, `immutable: true` freezing the data.
import type { Secret } from 'kubernetes-types/core/v1.js';
import { Secrets, type KubeObject } from '../../../core/index.js';
import { field, type FieldError } from '../../../core/index.js';
import {
  isConfigMapKey, key, nameIsDNSSubdomain, semanticEqual, validateImmutable, validateObjectMeta, validateObjectMetaUpdate,
} from '../../../core/validation/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';
import { base64Size, IMMUTABLE_MSG, MAX_CONFIG_SIZE } from '../configmap/strategy.js';

export type SecretObject = Secret & KubeObject;

const REDACTED = '<secret contents redacted>';

function decode(v: string | undefined): string {
  return v === undefined ? '' : Buffer.from(v, 'base64').toString('utf8');
}

/** Go's encoding/json wording for the usual ways a config blob is not JSON. */
function jsonError(text: string): string | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : 'json: cannot unmarshal value into Go value of type map[string]interface {}';
  } catch {
    const first = text.trim()[0];
    return first === undefined ? 'unexpected end of JSON input' : `invalid character '${first}' looking for beginning of value`;
  }
}

function requireJSONKey(data: Record<string, string>, k: string): FieldError[] {
  if (!(k in data)) return [field.required(key('data', k), '')];
  const err = jsonError(decode(data[k]));
  return err ? [field.invalid(key('data', k), REDACTED, err)] : [];
}

export function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const data = (secret.data ?? {}) as Record<string, string>;
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...isConfigMapKey(k).map((m) => field.invalid(key('data', k), k, m)));
    total += base64Size(String(v));
  }
  if (total > MAX_CONFIG_SIZE) errs.push(field.tooLong('data', '', MAX_CONFIG_SIZE));
  switch (secret.type ?? '') {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(field.required('metadata.annotations[kubernetes.io/service-account.name]', ''));
      }
      break;
    case 'kubernetes.io/dockercfg': errs.push(...requireJSONKey(data, '.dockercfg')); break;
    case 'kubernetes.io/dockerconfigjson': errs.push(...requireJSONKey(data, '.dockerconfigjson')); break;
    case 'kubernetes.io/basic-auth':
      if (!('username' in data) && !('password' in data)) errs.push(field.required('data[username]', ''), field.required('data[password]', ''));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!base64Size(data['ssh-privatekey'] ?? '')) errs.push(field.required('data[ssh-privatekey]', ''));
      break;
    case 'kubernetes.io/tls':
      if (!('tls.crt' in data)) errs.push(field.required('data[tls.crt]', ''));
      if (!('tls.key' in data)) errs.push(field.required('data[tls.key]', ''));
      break;
    default:
  }
  return errs;
}

export function validateSecretUpdate(next: Secret, prev: Secret): FieldError[] {
  const errs = [...validateObjectMetaUpdate(next.metadata, prev.metadata), ...validateImmutable(next.type ?? '', prev.type ?? '', 'type')];
  if (prev.immutable) {
    if (!next.immutable) errs.push(field.forbidden('immutable', IMMUTABLE_MSG));
    if (!semanticEqual(next.data ?? {}, prev.data ?? {})) errs.push(field.forbidden('data', IMMUTABLE_MSG));
  }
  return [...errs, ...validateSecret(next)];
}

export const secretStrategy: Omit<ResourceStrategy<SecretObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: Secrets,
  generation: false,
  defaults(secret) {
    secret.type ||= 'Opaque';
    if (secret.stringData) {
      const data = (secret.data ??= {}) as Record<string, string>;
      for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete secret.stringData;
    }
  },
  prepareForCreate() {},
  validate: (s) => validateSecret(s),
  prepareForUpdate() {},
  validateUpdate: (next, prev) => validateSecretUpdate(next, prev),
  // No status subresource: a status write can only touch metadata.
  prepareForStatusUpdate(next, prev) {
    for (const k of Object.keys(next)) if (k !== 'metadata') delete next[k];
    Object.assign(next, { ...prev, metadata: next.metadata });
  },
  validateStatusUpdate: (next, prev) => validateObjectMetaUpdate(next.metadata, prev.metadata),
};
