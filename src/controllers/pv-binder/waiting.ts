// Claims that found no PV, by class, so that a PV turning Available wakes one claim that it
// can satisfy instead of every pending claim being re-examined (upstream waits for its 15 s
// resync; at 10,000 claims that is the difference between seconds and minutes). Each new
// candidate wakes at most one claim; the periodic resync remains the safety net for anything
// a wake-up misses (a woken claim that took another PV, a claim beyond the scan window).
import { labelSelectorAsSelector } from '../../core/index.js';
import {
  accessModesSatisfied, claimClass, keyOfClaim, requestedStorage, volumeCapacity, volumeClass, volumeModeMismatch,
  type PersistentVolumeClaimObject, type PersistentVolumeObject,
} from '../../volumes/index.js';
import type { AssumeCache } from './assume-cache.js';
import { capacityKey } from './volume-index.js';

/** How many waiting claims one new PV looks at before leaving the rest to the resync. */
const SCAN_LIMIT = 256;

export class WaitingClaims {
  private readonly byClass = new Map<string, Set<string>>();
  private readonly classOf = new Map<string, string>();

  constructor(private readonly claims: AssumeCache<PersistentVolumeClaimObject>) {}

  add(claim: PersistentVolumeClaimObject): void {
    const key = keyOfClaim(claim);
    this.remove(key);
    const cls = claimClass(claim);
    let set = this.byClass.get(cls);
    if (!set) this.byClass.set(cls, (set = new Set()));
    set.add(key);
    this.classOf.set(key, cls);
  }

  remove(key: string): void {
    const cls = this.classOf.get(key);
    if (cls === undefined) return;
    this.classOf.delete(key);
    const set = this.byClass.get(cls)!;
    set.delete(key);
    if (!set.size) this.byClass.delete(cls);
  }

  /** Takes the first waiting claim the PV would satisfy; its key, or undefined. */
  wake(pv: PersistentVolumeObject): string | undefined {
    const set = this.byClass.get(volumeClass(pv));
    if (!set) return undefined;
    const cap = capacityKey(volumeCapacity(pv));
    let scanned = 0;
    for (const key of set) {
      if (++scanned > SCAN_LIMIT) break;
      const claim = this.claims.get(key);
      if (!claim) { this.remove(key); continue; }
      if (!this.fits(claim, pv, cap)) continue;
      this.remove(key);
      return key;
    }
    return undefined;
  }

  private fits(claim: PersistentVolumeClaimObject, pv: PersistentVolumeObject, cap: bigint): boolean {
    if (capacityKey(requestedStorage(claim)) > cap || volumeModeMismatch(claim, pv) || !accessModesSatisfied(claim, pv)) return false;
    if (!claim.spec?.selector) return true;
    try {
      return labelSelectorAsSelector(claim.spec.selector).matches(pv.metadata?.labels);
    } catch {
      return false;
    }
  }
}
