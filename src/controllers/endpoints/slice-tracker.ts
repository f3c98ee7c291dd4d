// EndpointSliceTracker (upstream endpointslice_tracker.go): the generation of every slice this
// controller wrote, and the slices it deleted, per service. It tells a stale cache (our own
// writes not seen yet: reconciling now would create duplicates) and our own events (no resync
// needed) from changes somebody else made.
import type { EndpointSliceObject } from './slice-reconciler.js';

const DELETED = -1;

export class SliceTracker {
  // service → slice uid → [name, generation written or DELETED]
  readonly #byService = new Map<string, Map<string, [string, number]>>();

  #uids(service: string): Map<string, [string, number]> {
    let m = this.#byService.get(service);
    if (!m) this.#byService.set(service, m = new Map());
    return m;
  }

  wrote(service: string, slice: EndpointSliceObject): void {
    if (slice.metadata?.uid) this.#uids(service).set(slice.metadata.uid, [slice.metadata.name ?? '', slice.metadata.generation ?? 0]);
  }

  deleting(service: string, slice: EndpointSliceObject): void {
    if (slice.metadata?.uid) this.#uids(service).set(slice.metadata.uid, [slice.metadata.name ?? '', DELETED]);
  }

  /**
   * StaleSlices: the cache misses a slice we wrote, has an older one, or still has one we
   * deleted. `live` reads the whole cache by name: a slice we wrote that is there but no longer
   * among `cached` (relabelled, being deleted) is no longer this service's and is dropped.
   */
  stale(service: string, cached: readonly EndpointSliceObject[], live: (name: string) => EndpointSliceObject | undefined): boolean {
    const want = this.#byService.get(service);
    if (!want) return false;
    const have = new Map(cached.map((s) => [s.metadata?.uid ?? '', s.metadata?.generation ?? 0]));
    for (const [uid, [name, gen]] of want) {
      const g = have.get(uid);
      if (gen === DELETED) {
        if (g !== undefined) return true;
      } else if (g === undefined) {
        if (live(name)?.metadata?.uid !== uid) return true;
        want.delete(uid);
      } else if (g < gen) return true;
    }
    return false;
  }

  /** ShouldSync: a change to this slice that is not (an echo of) our own write. */
  isForeign(service: string, slice: EndpointSliceObject): boolean {
    const gen = this.#byService.get(service)?.get(slice.metadata?.uid ?? '')?.[1];
    return gen === undefined || (gen !== DELETED && (slice.metadata?.generation ?? 0) > gen);
  }

  /** The slice is gone from the cache: stop tracking it; true if we did not delete it ourselves. */
  removed(service: string, slice: EndpointSliceObject): boolean {
    const m = this.#byService.get(service);
    const uid = slice.metadata?.uid ?? '';
    const gen = m?.get(uid)?.[1];
    m?.delete(uid);
    return gen !== DELETED;
  }

  forget(service: string): void {
    this.#byService.delete(service);
  }
}
