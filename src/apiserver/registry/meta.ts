// Metadata the server owns (upstream: rest.FillObjectMetaSystemFields, BeforeCreate/BeforeUpdate).
import { randomUUID } from 'node:crypto';
import type { KubeObject, ObjectMeta } from '../../core/index.js';

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName + 5 random characters from upstream's unambiguous alphabet. */
export function generatedName(base: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  // Upstream trims the base so the result stays within 63 characters.
  return base.slice(0, 58) + suffix;
}

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function fillCreateMeta(obj: KubeObject, now: Date, withGeneration: boolean): void {
  const meta: ObjectMeta = obj.metadata ?? {};
  meta.uid = randomUUID();
  meta.creationTimestamp = rfc3339(now);
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.resourceVersion;
  delete (meta as Record<string, unknown>).selfLink;
  if (withGeneration) meta.generation = 1;
  else delete meta.generation;
  obj.metadata = meta;
}

/** Fields of metadata a client can never change through an update. */
export function keepSystemMeta(next: KubeObject, prev: KubeObject): void {
  const n: ObjectMeta = (next.metadata ??= {});
  const p: ObjectMeta = prev.metadata ?? {};
  n.uid = p.uid;
  n.creationTimestamp = p.creationTimestamp;
  n.name = p.name;
  if (p.namespace !== undefined) n.namespace = p.namespace;
  if (p.deletionTimestamp) n.deletionTimestamp = p.deletionTimestamp; else delete n.deletionTimestamp;
  if (p.deletionGracePeriodSeconds !== undefined) n.deletionGracePeriodSeconds = p.deletionGracePeriodSeconds;
  else delete n.deletionGracePeriodSeconds;
  if (p.generation !== undefined) n.generation = p.generation; else delete n.generation;
  if (p.generateName !== undefined && n.generateName === undefined) n.generateName = p.generateName;
}

/** On /status writes only status may change (upstream ResetObjectMetaForStatus + strategy). */
export function keepMetaForStatus(next: KubeObject, prev: KubeObject): void {
  const managedFields = next.metadata?.managedFields;
  next.metadata = { ...(prev.metadata ?? {}) };
  if (managedFields) next.metadata.managedFields = managedFields;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}

/** Equal apart from what the server changes on every write. */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined } });
  return deepEqual(strip(a), strip(b));
}

export function specChanged(next: KubeObject, prev: KubeObject): boolean {
  // Kinds without spec (ControllerRevision data, ...) count every non-metadata, non-status field.
  const pick = (o: KubeObject) => {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
    return rest;
  };
  return !deepEqual(pick(next), pick(prev));
}
