// Choosing a PV for a claim, as upstream findBestMatchForClaim + FindMatchingVolume decide it
// (E6-E11), over the VolumeIndex instead of a scan of every PV:
// - access-mode groups holding all requested modes are tried fewest-modes first, and the
//   first group with a match wins even if a later group has a smaller PV (quirk, E6);
// - inside a group, a PV pre-bound to this claim (claimRef name/namespace, uid empty or
//   equal) that is big enough, of the same volumeMode and not being deleted is returned at
//   once — class, selector and phase are not checked for it (quirk, E8);
// - otherwise, unless binding is delayed (WaitForFirstConsumer, E11), the smallest Available
//   PV of the claim's class and volumeMode that is big enough and matches the selector.
// findForNode is the scheduler's variant for a claim whose pod is already on a node: one
// smallest fit across all groups, and the PV's node affinity must admit the node.
import { labelSelectorAsSelector, type Selector } from '../../core/index.js';
import {
  claimClass, isVolumeBoundToClaim, keyOfClaim, requestedStorage, volumeCapacity, volumeFitsNode, volumeModeMismatch,
  type PersistentVolumeClaimObject, type PersistentVolumeObject,
} from '../../volumes/index.js';
import { capacityKey, type VolumeIndex } from './volume-index.js';

function selectorOf(claim: PersistentVolumeClaimObject): Selector | undefined {
  if (!claim.spec?.selector) return undefined;
  try {
    return labelSelectorAsSelector(claim.spec.selector);
  } catch (e) {
    throw new Error(`error creating internal label selector for claim: ${keyOfClaim(claim)}: ${(e as Error).message}`);
  }
}

export function findBestMatch(index: VolumeIndex, claim: PersistentVolumeClaimObject, delayBinding: boolean): PersistentVolumeObject | undefined {
  const min = capacityKey(requestedStorage(claim));
  const mode = claim.spec?.volumeMode ?? 'Filesystem';
  const cls = claimClass(claim);
  const selector = selectorOf(claim);
  const prebound = index.referencing(claim.metadata?.namespace, claim.metadata?.name).filter((pv) =>
    isVolumeBoundToClaim(pv, claim) && capacityKey(volumeCapacity(pv)) >= min && !volumeModeMismatch(claim, pv) && !pv.metadata?.deletionTimestamp);
  for (const group of index.groupsFor(claim.spec?.accessModes ?? [])) {
    const pre = prebound.find((pv) => group.members.has(pv.metadata?.name ?? ''));
    if (pre) return pre;
    if (delayBinding) continue;
    for (const pv of index.candidates(group, cls, mode, min)) {
      if (!selector || selector.matches(pv.metadata?.labels)) return pv;
    }
  }
  return undefined;
}

/** The smallest unclaimed PV for the claim that the node may use (scheduler path, E36). */
export function findForNode(index: VolumeIndex, claim: PersistentVolumeClaimObject, nodeLabels: Readonly<Record<string, string>>,
  nodeName: string): PersistentVolumeObject | undefined {
  const min = capacityKey(requestedStorage(claim));
  const mode = claim.spec?.volumeMode ?? 'Filesystem';
  const cls = claimClass(claim);
  const selector = selectorOf(claim);
  let best: PersistentVolumeObject | undefined;
  let bestCap = 0n;
  for (const group of index.groupsFor(claim.spec?.accessModes ?? [])) {
    for (const pv of index.candidates(group, cls, mode, min)) {
      if (selector && !selector.matches(pv.metadata?.labels)) continue;
      if (!volumeFitsNode(pv, nodeLabels, nodeName)) continue;
      const cap = capacityKey(volumeCapacity(pv));
      if (!best || cap < bestCap) { best = pv; bestCap = cap; }
      break; // later candidates of this group are no smaller
    }
  }
  return best;
}
