// Decoded objects, one per key and revision (upstream's watch cache plays this part): the
// object a write stored (adopted as its own decode when JSON maps it onto itself, else decoded
// once) is, frozen, what the writer gets back, what every watch event of the write carries,
// and what the next update of the key starts from (upstream GuaranteedUpdate's
// cachedExistingObject), instead of three decodes and a read.
// Entries hold their objects weakly: informers and controllers keep the objects they use alive
// anyway, so the cache costs no copies of its own, and what nobody holds is read again.
import type { KubeObject, ResourceType } from '../../core/index.js';
import type { KeyValue } from '../../store/index.js';
import { adoptWritten, decodeObject, deepFreeze } from './codec.js';

interface Entry {
  readonly type: ResourceType;
  readonly revision: number;
  readonly ref: WeakRef<KubeObject>;
}

/** What the registry hands the store beside the bytes of a write (KeyValue.companion). */
export interface Written {
  readonly type: ResourceType;
  readonly object: KubeObject;
}

/** Entries whose objects were collected are swept when this many more have been added. */
const SWEEP_EVERY = 16_384;

export class ObjectCache {
  readonly #entries = new Map<string, Entry>();
  #addedSinceSweep = 0;

  /** The frozen object for `kv`, decoded once per key and revision. */
  decode(type: ResourceType, kv: KeyValue): KubeObject {
    const hit = this.peek(type, kv);
    if (hit) return hit;
    const entry = this.#entries.get(kv.key);
    const written = kv.companion as Written | undefined;
    const object = (written?.type === type ? adoptWritten(written.object, kv.modRevision) : undefined)
      ?? deepFreeze(decodeObject(type, kv));
    // Never replace a newer revision by an older one (a watch catching up decodes old events).
    if (!entry || entry.revision <= kv.modRevision) this.#set(kv.key, { type, revision: kv.modRevision, ref: new WeakRef(object) });
    return object;
  }

  /** The cached object for exactly this revision of the key, if there is one. */
  peek(type: ResourceType, kv: KeyValue): KubeObject | undefined {
    const entry = this.#entries.get(kv.key);
    return entry?.revision === kv.modRevision && entry.type === type ? entry.ref.deref() : undefined;
  }

  /**
   * The newest object known for `key`, with its revision: a hint only. A write may have
   * committed a newer one that is not decoded yet; a compare-and-swap on the revision
   * finds that out.
   */
  latest(type: ResourceType, key: string): { object: KubeObject; revision: number } | undefined {
    const entry = this.#entries.get(key);
    if (entry?.type !== type) return undefined;
    const object = entry.ref.deref();
    return object ? { object, revision: entry.revision } : undefined;
  }

  /** The key was deleted at `revision`: drop what is known of it up to then. */
  forget(key: string, revision: number): void {
    const entry = this.#entries.get(key);
    if (entry && entry.revision <= revision) this.#entries.delete(key);
  }

  #set(key: string, entry: Entry): void {
    this.#entries.set(key, entry);
    if (++this.#addedSinceSweep < SWEEP_EVERY) return;
    this.#addedSinceSweep = 0;
    for (const [k, e] of this.#entries) if (!e.ref.deref()) this.#entries.delete(k);
  }
}
