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

/**
 * What the writer stored, as `decodeObject` would give it back, without decoding: `written`
 * (the object `encodeObject` was given) with the revision as resourceVersion, deep-frozen.
 * Only objects JSON maps onto themselves qualify — plain objects and arrays, strings, finite
 * numbers, booleans, null; undefined members (which JSON drops) are dropped — otherwise
 * undefined, and the caller decodes. `written` must be the writer's own, unshared object.
 */
export function adoptWritten(written: KubeObject, revision: number): KubeObject | undefined {
  if (Object.isFrozen(written)) return written.metadata?.resourceVersion === String(revision) ? written : undefined;
  const meta = written.metadata;
  if (!meta || !jsonFaithful(written)) return undefined;
  delete meta.resourceVersion; // stored without it; a decode appends it last
  meta.resourceVersion = String(revision);
  return freezeDroppingUndefined(written);
}

function jsonFaithful(v: unknown): boolean {
  switch (typeof v) {
    case 'string': case 'boolean': return true;
    case 'number': return Number.isFinite(v) && !Object.is(v, -0);
    case 'undefined': return false;
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          if (!(i in v) || v[i] === undefined || !jsonFaithful(v[i])) return false;
        }
        return Object.getPrototypeOf(v) === Array.prototype;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      const frozen = Object.isFrozen(v); // its undefined members could not be dropped
      for (const k in v) {
        const m = (v as Record<string, unknown>)[k];
        if (m === undefined ? frozen : !jsonFaithful(m)) return false;
      }
      return true;
    }
    default: return false;
  }
}

function freezeDroppingUndefined<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    const o = v as Record<string, unknown>;
    for (const k in o) {
      if (o[k] === undefined) delete o[k];
      else freezeDroppingUndefined(o[k]);
    }
    Object.freeze(v);
  }
  return v;
}
