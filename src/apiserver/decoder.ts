// Request bodies → typed objects, through the generated schemas (type checks, unknown and
// duplicate fields per fieldValidation, as upstream's decoder).
import { badRequest, kindDefinition, decodeObject, type KindDefinition, type KubeObject, type ResourceType } from '../core/index.js';
import type { BodyDecoder } from './handlers/context.js';

export function createBodyDecoder(): BodyDecoder {
  // Resource types are long-lived descriptors: look each one's schema up once, not per body.
  const defs = new WeakMap<ResourceType, KindDefinition>();
  return {
    decode(type: ResourceType, body: unknown, mode, warnings): KubeObject {
      let def = defs.get(type);
      if (!def) {
        def = kindDefinition(type.group, type.version, type.kind);
        if (!def) throw new Error(`no schema for ${type.kind}`);
        defs.set(type, def);
      }
      const decoded = decodeObject(def, body, mode);
      for (const w of decoded.warnings) warnings.push(w);
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
