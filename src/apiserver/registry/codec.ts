// Objects are stored as JSON without resourceVersion; the store's modRevision is the
// resourceVersion, injected on every read so it can never disagree with the store.
import type { KubeObject, ResourceType } from '../../core/index.js';
import { apiVersionOf } from '../../core/index.js';
import type { KeyValue } from '../../store/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeObject(obj: KubeObject): Uint8Array {
  const meta = obj.metadata ?? {};
  const { resourceVersion: _rv, ...rest } = meta;
  return encoder.encode(JSON.stringify({ ...obj, metadata: rest }));
}

export function decodeObject(type: ResourceType, kv: KeyValue): KubeObject {
  const obj = JSON.parse(decoder.decode(kv.value)) as KubeObject;
  obj.apiVersion = apiVersionOf(type);
  obj.kind = type.kind;
  // Stored metadata never has resourceVersion (encodeObject drops it), so it lands last, as a copy would put it.
  (obj.metadata ??= {}).resourceVersion = String(kv.modRevision);
  return obj;
}

/** Freezes a decoded object and everything in it, so one copy can be handed to many readers. */
export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k in v) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}
