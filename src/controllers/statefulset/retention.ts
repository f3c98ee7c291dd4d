// persistentVolumeClaimRetentionPolicy as ownerReferences on claims (semantics B12-B20).
//
// Contract (pure): given a claim, its set and its pod (the pod may be a not-yet-created one
// with no uid), decide whether the claim's refs match the policy and compute the refs it
// should carry:
//   whenScaled/whenDeleted  Retain/Retain: none   Retain/Delete: set   Delete/Retain: pod if
//   condemned   Delete/Delete: set if in range, pod if condemned.
// Refs are controller refs. A ref to the set or pod by name with another uid is stale: such a
// claim is left alone (B15). A foreign controller makes the policy void for the claim: our
// refs are removed and none added (B16). A non-controller ref from us is rewritten (B17).
// Other refs are kept (B18).
import type { OwnerReference } from '../../core/index.js';
import {
  controllerRef, inOrdinalRange, SET_API_VERSION, SET_KIND, type ClaimObject, type PodObject, type SetObject,
} from './identity.js';

type Policy = 'Retain' | 'Delete';
interface Owner { apiVersion: string; kind: string; obj: SetObject | PodObject }

interface RetentionPolicy { readonly whenDeleted: Policy; readonly whenScaled: Policy }
const policies = new WeakMap<object, RetentionPolicy>();
// Unknown values are treated as Retain, as upstream does.
const norm = (v?: string): Policy => (v === 'Delete' ? 'Delete' : 'Retain');

/** The set's policy, Retain/Retain when unset; memoised per (immutable) spec object. */
export function retentionPolicy(set: SetObject): RetentionPolicy {
  const spec = set.spec ?? {};
  let p = policies.get(spec);
  if (!p) {
    const raw = set.spec?.persistentVolumeClaimRetentionPolicy;
    policies.set(spec, (p = { whenDeleted: norm(raw?.whenDeleted), whenScaled: norm(raw?.whenScaled) }));
  }
  return p;
}

const isRetainAll = (set: SetObject) => {
  const p = retentionPolicy(set);
  return p.whenDeleted === 'Retain' && p.whenScaled === 'Retain';
};

const owners = (set: SetObject, pod: PodObject): [Owner, Owner] => [
  { apiVersion: SET_API_VERSION, kind: SET_KIND, obj: set },
  { apiVersion: 'v1', kind: 'Pod', obj: pod },
];

const matchesRef = (ref: OwnerReference, o: Owner) =>
  ref.apiVersion === o.apiVersion && ref.kind === o.kind && ref.name === o.obj.metadata?.name;

const uidOf = (o: Owner) => o.obj.metadata?.uid ?? '';
const refsOf = (claim: ClaimObject) => claim.metadata?.ownerReferences ?? [];
const hasOwnerRef = (claim: ClaimObject, o: Owner) => refsOf(claim).some((r) => r.uid === uidOf(o));

/** The first ref naming `o` decides: same name and kind, another uid (B15). */
function hasStaleOwnerRef(claim: ClaimObject, o: Owner): boolean {
  const ref = refsOf(claim).find((r) => matchesRef(r, o));
  return ref !== undefined && ref.uid !== uidOf(o);
}

/** B16: with a non-Retain policy, a controller other than our set or pod (or a stale one of ours). */
export function hasUnexpectedController(claim: ClaimObject, set: SetObject, pod: PodObject): boolean {
  if (isRetainAll(set)) return false;
  const [s, p] = owners(set, pod);
  for (const ref of refsOf(claim)) {
    if (matchesRef(ref, s)) { if (ref.uid !== uidOf(s)) return true; continue; }
    if (matchesRef(ref, p)) { if (ref.uid !== uidOf(p)) return true; continue; }
    if (ref.controller) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: ClaimObject, set: SetObject, pod: PodObject): boolean {
  const uids = new Set([set.metadata?.uid, pod.metadata?.uid].filter(Boolean));
  return refsOf(claim).some((r) => uids.has(r.uid) && !r.controller);
}

/** True when the claim's refs are what the policy wants, or when the claim must not be touched. */
export function isClaimOwnerUpToDate(claim: ClaimObject, set: SetObject, pod: PodObject): boolean {
  // The common case, checked on every claim of every sync: no refs, and none wanted.
  if (!claim.metadata?.ownerReferences?.length && isRetainAll(set)) return true;
  const [s, p] = owners(set, pod);
  if (hasStaleOwnerRef(claim, s) || hasStaleOwnerRef(claim, p)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, s) || hasOwnerRef(claim, p));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const want = wantedOwners(set, pod);
  return hasOwnerRef(claim, s) === want.set && hasOwnerRef(claim, p) === want.pod;
}

/** Which of set and pod the policy wants as owners of this pod's claims (B12). */
export function wantedOwners(set: SetObject, pod: PodObject): { set: boolean; pod: boolean } {
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const condemned = !inOrdinalRange(set, pod);
  if (whenScaled === 'Retain') return { set: whenDeleted === 'Delete', pod: false };
  return { set: whenDeleted === 'Delete' && !condemned, pod: condemned };
}

/** The refs the claim should carry; call only when isClaimOwnerUpToDate is false. */
export function claimOwnerRefs(claim: ClaimObject, set: SetObject, pod: PodObject): OwnerReference[] {
  const [s, p] = owners(set, pod);
  const unexpected = hasUnexpectedController(claim, set, pod);
  const refs = refsOf(claim).filter((r) => !matchesRef(r, s) && !matchesRef(r, p));
  if (unexpected) return refs;
  const want = wantedOwners(set, pod);
  if (want.pod) refs.push(controllerRef(pod, 'v1', 'Pod'));
  if (want.set) refs.push(controllerRef(set, SET_API_VERSION, SET_KIND));
  return refs;
}

/** B20: with whenScaled=Delete, a claim still owned by an earlier pod of the same name blocks creation. */
export function claimIsStale(claim: ClaimObject, set: SetObject, pod: PodObject): boolean {
  if (retentionPolicy(set).whenScaled === 'Retain') return false;
  return hasStaleOwnerRef(claim, owners(set, pod)[1]);
}
