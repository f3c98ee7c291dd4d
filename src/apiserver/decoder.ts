// Request bodies → typed objects, through the generated schemas (type checks, unknown and
// duplicate fields per fieldValidation, as upstream's decoder).
import { badRequest, kindDefinition, decodeObject, type KubeObject, type ResourceType } from '../core/index.js';
import type { BodyDecoder } from './handlers/context.js';

export function createBodyDecoder(): BodyDecoder {
  return {
    decode(type: ResourceType, body: unknown, mode, warnings): KubeObject {
      const def = kindDefinition(type.group, type.version, type.kind);
      if (!def) throw new Error(`no schema for ${type.kind}`);
      const decoded = decodeObject(def, body, mode);
      warnings.push(...decoded.warnings);
      return decoded.object;
    },
    decodeDeleteOptions(body: unknown): Record<string, unknown> {
      const def = kindDefinition('', 'v1', 'DeleteOptions') ?? kindDefinition('meta.k8s.io', 'v1', 'DeleteOptions');
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw badRequest('DeleteOptions must be a JSON object');
      }
      // kubectl and client-go send DeleteOptions with kind/apiVersion of several groups; accept any.
      const { kind: _k, apiVersion: _a, ...rest } = body as Record<string, unknown>;
      if (!def) return rest;
      const { kind: _k2, apiVersion: _a2, ...decoded } = decodeObject(def, rest, 'Ignore').object;
      return decoded;
    },
  };
}
