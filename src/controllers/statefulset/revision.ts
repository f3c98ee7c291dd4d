// ControllerRevisions of a StatefulSet as data (semantics D3-D6): what a revision stores, its
// name and hash, equality, ordering, and how a revision turns back into a set.
//
// Contract (pure):
// - A revision stores only the pod template, as the strategic-merge patch upstream records:
//   {"spec":{"template":{...,"$patch":"replace"}}}, keys sorted like Go's JSON encoder does
//   for maps, so the bytes (and therefore the hash) are stable.
// - hash = FNV-1 32-bit over those bytes and the decimal collision count, printed in decimal
//   and mapped onto upstream's "safe" alphabet (no vowels, no look-alikes). Deterministic;
//   not promised byte-equal with upstream's (our template JSON is not Go's).
// - name = `<set name truncated to 223>-<hash>`; labels = template labels + hash label;
//   annotations = the set's; a controller ref to the set (D4).
// - Two revisions are equal when their data are equal (key order does not matter).
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../core/index.js';
import { setRef, type SetObject } from './identity.js';

export type RevisionObject = ControllerRevision & KubeObject;

export const HASH_LABEL = 'controller.kubernetes.io/hash';
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted at every level (Go marshals maps this way). */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

/** FNV-1 (multiply, then xor) over UTF-8 bytes, 32 bits, as Go's hash/fnv New32. */
export function fnv1_32(text: string, h = 0x811c9dc5): number {
  for (const b of Buffer.from(text, 'utf8')) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h;
}

/** Upstream's SafeEncodeString: each character picks a letter by its code point. */
export function safeEncode(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length];
  return out;
}

/** The bytes a revision of this set stores, and the same thing as an object. */
export function revisionData(set: SetObject): { json: string; data: Record<string, unknown> } {
  const template = { ...(set.spec?.template as Record<string, unknown> | undefined), $patch: 'replace' };
  const json = canonicalJson({ spec: { template } });
  return { json, data: JSON.parse(json) as Record<string, unknown> };
}

export function revisionHash(json: string, collisionCount: number): string {
  return safeEncode(String(fnv1_32(String(collisionCount), fnv1_32(json))));
}

export function revisionName(setName: string, hash: string): string {
  return `${setName.slice(0, 223)}-${hash}`;
}

/** The revision object for the set's current template, not yet named for a collision count. */
export function newRevision(set: SetObject, revision: number, collisionCount: number): { rev: RevisionObject; json: string } {
  const { json, data } = revisionData(set);
  const hash = revisionHash(json, collisionCount);
  const meta = set.metadata ?? {};
  const rev: RevisionObject = {
    apiVersion: 'apps/v1', kind: 'ControllerRevision',
    metadata: {
      name: revisionName(meta.name ?? '', hash), namespace: meta.namespace,
      labels: { ...set.spec?.template?.metadata?.labels, [HASH_LABEL]: hash },
      ownerReferences: [setRef(set)],
    },
    data, revision,
  };
  if (meta.annotations && Object.keys(meta.annotations).length) rev.metadata!.annotations = { ...meta.annotations };
  return { rev, json };
}

/** Re-names a revision for another collision count (CreateControllerRevision's probe loop). */
export function withCollisionCount(rev: RevisionObject, json: string, setName: string, collisionCount: number): RevisionObject {
  const hash = revisionHash(json, collisionCount);
  return {
    ...rev,
    metadata: { ...rev.metadata, name: revisionName(setName, hash), labels: { ...rev.metadata?.labels, [HASH_LABEL]: hash } },
  };
}

const canonicalCache = new WeakMap<object, string>();

/** Canonical JSON of a revision's data, memoised per (immutable, cached) revision object. */
export function dataJson(rev: RevisionObject): string {
  let s = canonicalCache.get(rev);
  if (s === undefined) canonicalCache.set(rev, (s = canonicalJson(rev.data ?? null)));
  return s;
}

/** Upstream's byRevision: revision number, then creation time, then name. */
export function sortRevisions(revs: RevisionObject[]): RevisionObject[] {
  return revs.sort((a, b) => (a.revision - b.revision)
    || (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '')
    || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

export const nextRevision = (sorted: readonly RevisionObject[]): number =>
  sorted.length ? sorted[sorted.length - 1].revision + 1 : 1;

/** The set as it was at `rev`: the stored template replaces the current one (ApplyRevision). */
export function applyRevision(set: SetObject, rev: RevisionObject | undefined): SetObject {
  if (!rev) return set;
  const data = rev.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const stored = data?.spec?.template;
  if (!stored) return set;
  const { $patch: _replace, ...template } = stored;
  return { ...set, spec: { ...set.spec!, template: template as NonNullable<SetObject['spec']>['template'] } };
}
