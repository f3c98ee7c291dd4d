// The store holds bytes by key and knows nothing about Kubernetes (kine's Backend, etcd's KV).
//
// Contract:
// - Every successful write gets a new, strictly increasing revision (one counter for the whole
//   store). `modRevision` of a key is the revision of its last write; `createRevision` the
//   revision that created it. A new SQLite store is at revision 0 and its first write is 1
//   (other backends may start elsewhere; only monotonicity is promised).
// - Keys are non-empty, well-formed strings ordered and prefix-matched by their UTF-8 bytes.
// - `update` and `delete` with an expected revision are compare-and-swap: they fail with
//   StoreError('Conflict') when the key's modRevision differs, StoreError('NotFound') when
//   the key does not exist. `create` fails with StoreError('KeyExists'). `delete` returns the
//   value it removed (its modRevision is the last write before the delete).
// - `list(prefix)` returns keys in byte order. With `revision`, it returns the state as of that
//   revision; a revision below the compacted one fails with StoreError('Compacted'); a revision
//   above the current one fails with StoreError('FutureRevision').
// - `watch(prefix, afterRevision)` yields every change with revision > afterRevision to keys
//   under prefix, in revision order, none lost, none twice, then keeps yielding live changes
//   until the signal aborts. A start below the compacted revision fails with 'Compacted'
//   (before yielding anything). Deletes carry the last value as `prev`; puts carry `prev` when
//   the key existed. A start above the current revision is allowed (events arrive once the
//   store passes it). A watcher that falls too far behind may end with 'Compacted' (the API's
//   410: re-list); closing the store ends open watches with 'Closed'.
// - Compaction at revision C keeps, for every key, its latest version <= C and drops older
//   versions and tombstones <= C (etcd semantics), so list-at-revision and watch work from any
//   revision >= C. Current values are never compacted. `compact(C)` with C above the current
//   revision fails with 'FutureRevision'; at or below the compacted revision it does nothing.
// - A write resolves only after it was committed, and its watch event is published only after
//   that commit; writes in flight together may share one commit (the SQLite store's group
//   commit). Reads see committed writes only. `close()` first commits the writes it finds
//   executed but not yet committed.
// - A failure of the backing storage itself (disk full, I/O error) is fatal, as a failed WAL
//   write is to etcd: the writes it caught fail with that error, none of them is published,
//   and the store closes.
// - After `close()`, every call fails with StoreError('Closed').

export interface KeyValue {
  readonly key: string;
  readonly value: Uint8Array;
  readonly createRevision: number;
  readonly modRevision: number;
  /**
   * What the writer handed in beside the bytes (its decoded form of them), on the KeyValue a
   * write returns and publishes; never stored, absent on everything read back. Lets in-process
   * readers of a fresh write skip decoding what the writer already has.
   */
  readonly companion?: unknown;
}

export type StoreEvent =
  | { readonly type: 'put'; readonly kv: KeyValue; readonly prev?: KeyValue }
  | { readonly type: 'delete'; readonly key: string; readonly revision: number; readonly prev: KeyValue };

export interface ListOptions {
  /** At most this many key-values (0 or undefined = all). */
  readonly limit?: number;
  /** Only keys strictly greater than this one (pagination). */
  readonly startAfter?: string;
  /** Read as of this revision (0 or undefined = current). */
  readonly revision?: number;
}

export interface ListResult {
  readonly kvs: readonly KeyValue[];
  /** The revision the list was read at. */
  readonly revision: number;
  /** True when keys past the last returned one remain. */
  readonly more: boolean;
}

export interface Store {
  get(key: string): Promise<KeyValue | undefined>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** How many keys exist under the prefix now. */
  count(prefix: string): Promise<number>;
  create(key: string, value: Uint8Array, companion?: unknown): Promise<KeyValue>;
  update(key: string, value: Uint8Array, expectedModRevision: number, companion?: unknown): Promise<KeyValue>;
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent>;
  currentRevision(): Promise<number>;
  /** The oldest revision that list-at-revision and watch can still start from. */
  compactedRevision(): Promise<number>;
  /** Drop history at or below `revision` (current values stay). */
  compact(revision: number): Promise<void>;
  /** Size of the backing data in bytes (for metrics). */
  size(): Promise<number>;
  close(): Promise<void>;
}

export type StoreErrorCode = 'KeyExists' | 'NotFound' | 'Conflict' | 'Compacted' | 'FutureRevision' | 'Closed';

export class StoreError extends Error {
  /**
   * `currentRevision`: the store's revision when the error happened.
   * `compactedRevision`: for 'Compacted', the oldest revision still available (upstream's
   * "too old resource version: X (compactedRevision)").
   */
  constructor(
    readonly code: StoreErrorCode,
    message?: string,
    readonly currentRevision?: number,
    readonly compactedRevision?: number,
  ) {
    super(message ?? code);
    this.name = 'StoreError';
  }
}

export const isStoreError = (e: unknown, code?: StoreErrorCode): e is StoreError =>
  e instanceof StoreError && (code === undefined || e.code === code);
