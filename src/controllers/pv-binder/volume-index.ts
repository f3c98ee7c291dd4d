// PVs indexed for matching (upstream persistentVolumeOrderedIndex, made to scale):
// - every PV sits in the group of its exact access-mode set ("RWO", "RWO,ROX", ...); a claim
//   searches the groups holding all its modes, fewest modes first (E6);
// - inside a group, PVs that any claim may take — no claimRef, phase Available, not being
//   deleted — sit in buckets by (class, volumeMode), each sorted by capacity, so the smallest
//   fit is a binary search instead of a scan of every PV (E9, E10);
// - PVs with a claimRef are also found by the claim they name (pre-bound, E8).
// A PV picked by an in-flight bind is reserved: no other claim sees it until the write lands.
import type { Quantity } from '../../core/index.js';
import {
  accessModesFromKey, accessModesKey, claimKey, volumeCapacity, volumeClass, type PersistentVolumeObject,
} from '../../volumes/index.js';
import type { AssumeCache } from './assume-cache.js';

/** Capacities compared exactly: every quantity is a whole number of nano-units. */
export const capacityKey = (q: Quantity): bigint => q.scaledValue(-9);

/** PVs of one class and volumeMode, by capacity. */
class CapacityBuckets {
  /** Distinct capacities, ascending. */
  private readonly caps: bigint[] = [];
  private readonly byCap = new Map<bigint, Set<string>>();
  size = 0;

  add(cap: bigint, name: string): void {
    let names = this.byCap.get(cap);
    if (!names) {
      names = new Set();
      this.byCap.set(cap, names);
      this.caps.splice(this.lowerBound(cap), 0, cap);
    }
    if (!names.has(name)) { names.add(name); this.size++; }
  }

  remove(cap: bigint, name: string): void {
    const names = this.byCap.get(cap);
    if (!names?.delete(name)) return;
    this.size--;
    if (!names.size) {
      this.byCap.delete(cap);
      this.caps.splice(this.lowerBound(cap), 1);
    }
  }

  /** Names with capacity >= min, smallest capacity first (ties: insertion order). */
  *from(min: bigint): Generator<string> {
    for (let i = this.lowerBound(min); i < this.caps.length; i++) yield* this.byCap.get(this.caps[i]!) ?? [];
  }

  private lowerBound(cap: bigint): number {
    let lo = 0, hi = this.caps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.caps[mid]! < cap) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
}

export interface AccessModeGroup {
  readonly key: string;
  readonly modes: readonly string[];
  /** All PVs with exactly these modes. */
  readonly members: Set<string>;
  /** Candidates by `${class}\0${volumeMode}`. */
  readonly buckets: Map<string, CapacityBuckets>;
}

const bucketKey = (cls: string, mode: string) => `${cls}\u0000${mode}`;

/** A PV any claim may take, if it fits. */
export const isCandidate = (pv: PersistentVolumeObject): boolean =>
  !pv.spec?.claimRef && pv.status?.phase === 'Available' && !pv.metadata?.deletionTimestamp;

export class VolumeIndex {
  private readonly groups = new Map<string, AccessModeGroup>();
  private readonly byClaim = new Map<string, Set<string>>();
  private readonly reserved = new Set<string>();
  /** Told of every PV that just became a candidate. */
  onCandidate: (pv: PersistentVolumeObject) => void = () => {};

  constructor(readonly volumes: AssumeCache<PersistentVolumeObject>) {
    volumes.onChange((old, cur) => {
      if (old) this.remove(old);
      if (cur) this.add(cur);
      if (cur && isCandidate(cur) && !(old && isCandidate(old))) this.onCandidate(cur);
    });
  }

  get(name: string): PersistentVolumeObject | undefined {
    return this.volumes.get(name);
  }

  /** Groups holding every requested mode, fewest modes first (ties by name, for determinism). */
  groupsFor(requested: readonly string[]): AccessModeGroup[] {
    const want = new Set(requested);
    const out = [...this.groups.values()].filter((g) => [...want].every((m) => g.modes.includes(m)));
    return out.sort((a, b) => a.modes.length - b.modes.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** PVs whose claimRef names the claim (any uid). */
  referencing(namespace: string | undefined, name: string | undefined): PersistentVolumeObject[] {
    return [...(this.byClaim.get(claimKey(namespace, name)) ?? [])].map((n) => this.volumes.get(n)!).filter(Boolean);
  }

  /** Candidates of a group in (class, volumeMode) with capacity >= min, smallest first. */
  *candidates(group: AccessModeGroup, cls: string, volumeMode: string, min: bigint): Generator<PersistentVolumeObject> {
    const buckets = group.buckets.get(bucketKey(cls, volumeMode));
    if (!buckets) return;
    for (const name of buckets.from(min)) {
      if (this.reserved.has(name)) continue;
      const pv = this.volumes.get(name);
      if (pv) yield pv;
    }
  }

  reserve(name: string): void { this.reserved.add(name); }
  release(name: string): void { this.reserved.delete(name); }

  private add(pv: PersistentVolumeObject): void {
    const name = pv.metadata?.name ?? '';
    const key = accessModesKey(pv.spec?.accessModes);
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { key, modes: accessModesFromKey(key), members: new Set(), buckets: new Map() }));
    group.members.add(name);
    if (isCandidate(pv)) {
      const bk = bucketKey(volumeClass(pv), pv.spec?.volumeMode ?? 'Filesystem');
      let buckets = group.buckets.get(bk);
      if (!buckets) group.buckets.set(bk, (buckets = new CapacityBuckets()));
      buckets.add(capacityKey(volumeCapacity(pv)), name);
    }
    const ref = pv.spec?.claimRef;
    if (ref) {
      const ck = claimKey(ref.namespace, ref.name);
      let names = this.byClaim.get(ck);
      if (!names) this.byClaim.set(ck, (names = new Set()));
      names.add(name);
    }
  }

  private remove(pv: PersistentVolumeObject): void {
    const name = pv.metadata?.name ?? '';
    const key = accessModesKey(pv.spec?.accessModes);
    const group = this.groups.get(key);
    if (group) {
      group.members.delete(name);
      if (isCandidate(pv)) {
        const bk = bucketKey(volumeClass(pv), pv.spec?.volumeMode ?? 'Filesystem');
        const buckets = group.buckets.get(bk);
        buckets?.remove(capacityKey(volumeCapacity(pv)), name);
        if (buckets && !buckets.size) group.buckets.delete(bk);
      }
      if (!group.members.size) this.groups.delete(key);
    }
    const ref = pv.spec?.claimRef;
    if (ref) {
      const ck = claimKey(ref.namespace, ref.name);
      const names = this.byClaim.get(ck);
      names?.delete(name);
      if (names && !names.size) this.byClaim.delete(ck);
    }
  }
}
