// Per-pod verdicts of a sync, remembered: does the pod need its claims created or their refs
// fixed (B9, B14), and are its identity, storage and retention refs as they should be (A12, B5)?
//
// Why: a sync looks at every pod of its set and a big set is synced after nearly every pod
// event, so judging a thousand settled pods afresh each time is most of the controller's CPU.
// A verdict depends only on the (immutable) cached pod object, the claim objects it was
// judged with, and the set's uid, retention policy and ordinal range; it is reused while all
// of those are the same objects and values, and judged again as soon as one changes.
import {
  claimNames, endOrdinal, identityMatches, ordinalOf, startOrdinal, storageMatches,
  type ClaimObject, type PodObject, type SetObject,
} from './identity.js';
import { isClaimOwnerUpToDate, retentionPolicy } from './retention.js';

export interface Verdict {
  /** Every claim exists, none is being deleted, and their refs match the policy. */
  readonly claimsComplete: boolean;
  /** Nothing for an identity/storage/retention update to do. */
  readonly consistent: boolean;
}

interface Entry extends Verdict {
  readonly shape: string;
  readonly keys: readonly string[];
  readonly claims: readonly (ClaimObject | undefined)[];
}

export class Verdicts {
  private readonly seen = new WeakMap<PodObject, Entry>();

  constructor(private readonly claimByKey: (key: string) => ClaimObject | undefined) {}

  /** A judge for one sync of `set` (at its update revision `updateSet`). */
  forSync(set: SetObject, updateSet: SetObject): (pod: PodObject) => Verdict {
    const policy = retentionPolicy(updateSet);
    const shape = `${set.metadata?.uid}|${policy.whenDeleted}|${policy.whenScaled}|${startOrdinal(set)}|${endOrdinal(set)}`;
    const ns = set.metadata?.namespace ?? '';
    return (pod) => {
      const prev = this.seen.get(pod);
      if (prev && prev.shape === shape && prev.keys.every((k, i) => this.claimByKey(k) === prev.claims[i])) return prev;
      const keys = prev?.shape === shape ? prev.keys : claimNames(set, ordinalOf(pod)).map((n) => `${ns}/${n}`);
      const claims = keys.map((k) => this.claimByKey(k));
      const refsOk = claims.every((c) => !c || isClaimOwnerUpToDate(c, updateSet, pod));
      const entry: Entry = {
        shape, keys, claims,
        claimsComplete: refsOk && claims.every((c) => c && !c.metadata?.deletionTimestamp),
        consistent: refsOk && identityMatches(set, pod) && storageMatches(set, pod),
      };
      this.seen.set(pod, entry);
      return entry;
    };
  }
}
