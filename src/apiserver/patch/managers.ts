// metadata.managedFields <-> the managers' field sets. A manager is identified as upstream
// identifies it: the JSON of its entry without time and fields (and without apiVersion for
// appliers), e.g. {"manager":"kubectl","operation":"Apply"} or
// {"manager":"kube-controller-manager","operation":"Update","apiVersion":"apps/v1","subresource":"status"}.
// Entries are written in upstream's order: appliers first, then by time, manager, version.
import { fieldSetToFieldsV1, fieldsV1ToFieldSet } from './fields-v1.js';
import type { FieldSet } from './fieldset.js';

export interface VersionedSet {
  readonly set: FieldSet;
  readonly apiVersion: string;
  readonly applied: boolean;
}

export interface Managed {
  readonly sets: Map<string, VersionedSet>;
  /** RFC 3339 time of each manager's last change; absent when never recorded. */
  readonly times: Map<string, string | undefined>;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

interface Identity { manager?: string; operation: 'Apply' | 'Update'; apiVersion?: string; subresource?: string }

export const emptyManaged = (): Managed => ({ sets: new Map(), times: new Map() });

export function copyManaged(m: Managed): Managed {
  return { sets: new Map(m.sets), times: new Map(m.times) };
}

// Every write computes the identity of every entry; there are few distinct ones. Cached by
// manager, version, subresource and operation (strings only: JSON spells other values apart).
type IdentityCache = Map<string, Map<string, Map<string, [apply?: string, update?: string]>>>;
const identityTexts: IdentityCache = new Map();

/** The identity string of a manager (field order as Go marshals ManagedFieldsEntry). */
export function managerIdentity(e: Identity): string {
  const { manager = '', apiVersion = '', subresource = '' } = e;
  if (typeof manager !== 'string' || typeof apiVersion !== 'string' || typeof subresource !== 'string') return identityText(e);
  const ids = level(level(level(identityTexts, manager, () => new Map()), apiVersion, () => new Map()), subresource, (): [apply?: string, update?: string] => []);
  return ids[e.operation === 'Apply' ? 0 : 1] ??= identityText(e);
}

function level<V>(m: Map<string, V>, key: string, make: () => V): V {
  let v = m.get(key);
  if (v === undefined) {
    if (m.size >= IDENTITIES_MAX) m.clear();
    m.set(key, (v = make()));
  }
  return v;
}

function identityText(e: Identity): string {
  const id: Record<string, string> = {};
  if (e.manager) id.manager = e.manager;
  id.operation = e.operation;
  if (e.operation !== 'Apply' && e.apiVersion) id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

// Every write parses the identities of every entry; there are few distinct ones.
const identities = new Map<string, Readonly<Identity>>();
const IDENTITIES_MAX = 4096;

/** The parsed identity (shared and frozen: callers must not change it). */
export function parseIdentity(id: string): Readonly<Identity> {
  let who: Readonly<Identity> | undefined = identities.get(id);
  if (who) return who;
  try {
    who = Object.freeze(JSON.parse(id) as Identity);
  } catch {
    who = Object.freeze({ manager: id, operation: 'Update' as const });
  }
  if (identities.size >= IDENTITIES_MAX) identities.clear();
  identities.set(id, who);
  return who;
}

/** Decodes managedFields; throws an Error saying what is wrong with which entry. */
export function decodeManaged(entries: unknown): Managed {
  const m = emptyManaged();
  if (entries === undefined || entries === null) return m;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((raw, i) => {
    const e = (raw ?? {}) as ManagedFieldsEntry;
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new Error('apiVersion must not be empty');
    if (e.fieldsType !== 'FieldsV1') {
      throw new Error(e.fieldsType ? `invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}` : `missing fieldsType in managed fields entry ${i}`);
    }
    const id = managerIdentity({ manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, subresource: e.subresource });
    let set: FieldSet;
    try {
      set = fieldsV1ToFieldSet(e.fieldsV1 ?? {});
    } catch (err) {
      throw new Error(`error decoding versioned set from ${JSON.stringify(e)}: error decoding set: ${(err as Error).message}`);
    }
    m.sets.set(id, { set, apiVersion: e.apiVersion, applied: e.operation === 'Apply' });
    m.times.set(id, e.time);
  });
  return m;
}

/** `[]` or `[{}]` in a request asks for managedFields to be cleared. */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && entries[0] !== null && typeof entries[0] === 'object' && Object.keys(entries[0]).length === 0;
}

const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);

export function encodeManaged(m: Managed): ManagedFieldsEntry[] | undefined {
  if (m.sets.size === 0) return undefined;
  const out: { e: ManagedFieldsEntry; secs: number }[] = [];
  for (const [id, vs] of m.sets) {
    const who = parseIdentity(id);
    const e: ManagedFieldsEntry = {};
    if (who.manager) e.manager = who.manager;
    e.operation = vs.applied ? 'Apply' : who.operation;
    e.apiVersion = vs.apiVersion;
    const time = m.times.get(id);
    if (time) e.time = time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = fieldSetToFieldsV1(vs.set);
    if (who.subresource) e.subresource = who.subresource;
    out.push({ e, secs: seconds(time) });
  }
  if (out.length > 1) {
    out.sort(({ e: p, secs: ps }, { e: q, secs: qs }) => cmp(p.operation, q.operation) || ps - qs
      || cmp(p.manager, q.manager) || cmp(p.apiVersion, q.apiVersion) || cmp(p.subresource, q.subresource));
  }
  return out.map((x) => x.e);
}

function cmp(a = '', b = ''): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How conflict messages name a manager: `"kubectl" using apps/v1`, `"x" with subresource "status"`. */
export function printManager(id: string): string {
  const who = parseIdentity(id);
  let s = JSON.stringify(who.manager ?? '');
  if (who.subresource) s += ` with subresource ${JSON.stringify(who.subresource)}`;
  if (who.operation === 'Update') s += ` using ${who.apiVersion ?? ''}`;
  return s;
}
