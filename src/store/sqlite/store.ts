// The embedded Store on SQLite (better-sqlite3, synchronous). Every write updates `kv` and
// appends one `log` row; the revision counter lives in memory (the file is opened with an
// exclusive lock, so nothing else can write it). See watch.ts for ordering and the
// slow-watcher policy, compactor.ts for compaction.
//
// Group commit: the writes that arrive in one turn of the event loop share one transaction
// (a batch), committed by a setImmediate callback, or at once when the batch reaches
// BATCH_WRITES writes or BATCH_BYTES bytes of values. A COMMIT costs far more than the
// statements of one write, so batching pays whenever requests are in flight together. Why a
// turn and not a microtask: requests in flight sit at different depths of promise chains, so
// a microtask flush caught 1.3 writes per batch in bench/binding.ts, a setImmediate flush 13.6
// (process CPU 8.7 s vs 4.6 s); a lone writer pays one loop turn (a few µs) per write.
// - A write's promise resolves only after the transaction holding it committed; its watch event
//   is published right after that commit, in revision order, with the rest of its batch.
// - A write that fails its own check (KeyExists, NotFound, Conflict) fails before it changes
//   anything: nothing is written for it and the batch goes on without it. (The check reads the
//   key's row. An in-memory key -> modRevision index would answer it without SQL, but costs
//   ~100 bytes per key and saved nothing measurable: the row must be read anyway for the
//   previous value that the watch event and a delete carry.)
// - A failed COMMIT (disk full, I/O error), or any other SQLite error inside an open batch,
//   is fatal: the batch is rolled back, every write of it fails with that error, none of its
//   events is published, and the store closes (every later call fails with Closed). etcd does
//   the same when a WAL write fails: it cannot tell what reached the disk, so it stops.
// - Reads see committed state only, as before. They share the one connection with the open
//   batch, so a read that touches a key the batch wrote (get of that key, list or count of a
//   prefix holding one) commits the batch first; its events are then published before the
//   read returns, so no reader sees an object before the watches were handed its event.
//   Reads of other keys leave the batch open: what they read is the same with or without it.
//   Revisions that reads report (currentRevision, list) and watches deliver are committed ones
//   (`#committed`); only the writers' own checks (CAS, KeyExists) see the open batch, which
//   is sound because a batch either commits or the store dies with it.
import type Database from 'better-sqlite3';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { assertKey, compareKeys, prefixEnd } from '../keys.js';
import {
  StoreError, type KeyValue, type ListOptions, type ListResult, type Store, type StoreEvent,
} from '../types.js';
import { Compactor, RetentionPolicy } from './compactor.js';
import { openDb } from './schema.js';
import { LogWatch, RecentEvents, WatchHub, type LogSource } from './watch.js';

export interface SqliteStoreOptions {
  /** Keep at least this many recent revisions of history (default 10,000). */
  readonly retainRevisions?: number;
  /** Keep history younger than this, in ms (default 5 minutes; 0 = count only). */
  readonly retainMs?: number;
  /** How often automatic compaction runs, in ms (default 30 s; 0 = never). */
  readonly compactIntervalMs?: number;
  /** Revisions cleaned per compaction transaction (default 1,000). */
  readonly compactBatch?: number;
  /** Undelivered events a live watch may buffer before it falls back to the log (default 1,024). */
  readonly watchQueueLimit?: number;
  /**
   * Recent events kept in memory for watches catching up (default 512 events holding at most
   * 4 MiB of values; 0 = none, every catch-up reads the log).
   */
  readonly recentEvents?: number;
  readonly recentEventBytes?: number;
  /** Failures of background work (automatic compaction). Default: console.error. */
  readonly onBackgroundError?: (err: unknown) => void;
}

interface KvRow { key: string; value: Buffer; create_rev: number; mod_rev: number }
interface LogRow {
  rev: number; key: string; deleted: number; value: Buffer | null; create_rev: number;
  prev_rev: number; prev_value: Buffer | null; prev_create: number | null;
}

// A zero-length BLOB sorts after every TEXT value in SQLite: the upper bound "no end".
const NO_END = Buffer.alloc(0);
const endParam = (end: string | undefined): string | Buffer => end ?? NO_END;
/**
 * A copy of a value in memory of its own. Buffer.from would take it from Node's shared 8 KiB
 * pool, and a value kept for a while (recent events, watch queues) would keep its whole slab,
 * and everything else allocated there, alive.
 */
function ownCopy(value: Uint8Array): Buffer {
  const v = Buffer.allocUnsafeSlow(value.byteLength);
  v.set(value);
  return v;
}

/** A batch commits at once when it holds this many writes or this many bytes of values. */
const BATCH_WRITES = 256;
const BATCH_BYTES = 4 * 2 ** 20;

/** The open write batch: writes sharing one transaction, not yet committed. */
interface Batch {
  /** Its writes' events in revision order, published after the commit. */
  readonly events: StoreEvent[];
  /** The keys it wrote, so that a read of one can commit the batch first. */
  readonly keys: Set<string>;
  bytes: number;
  /** Settles when the batch committed (or failed with the COMMIT's error). */
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  done.catch(noop); // every write awaits it; a batch whose writes all failed early must not warn
  return { events: [], keys: new Set(), bytes: 0, done, resolve, reject };
}

function noop(): void {}

const CONNECTION = Symbol('sqlite connection');
/**
 * Test seam: the store's connection, for tests that make SQLite itself fail (a full database,
 * a failing COMMIT). Not exported from the package.
 */
export const connectionOf = (s: SqliteStore): Database.Database => s[CONNECTION];

const toKv = (r: KvRow): KeyValue => ({ key: r.key, value: r.value, createRevision: r.create_rev, modRevision: r.mod_rev });

export function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): Promise<SqliteStore> {
  return Promise.resolve().then(() => new SqliteStore(path, opts));
}

export class SqliteStore implements Store, LogSource {
  /** The last revision written, committed or in the open batch. */
  #written: number;
  /** The last committed revision: what reads and watches see. */
  #committed: number;
  #batch: Batch | undefined;
  #closed = false;
  readonly #db: Database.Database;
  readonly #hub = new WatchHub();
  readonly #recent: RecentEvents;
  readonly #compactor: Compactor;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #queueLimit: number;
  readonly #giveWayAt: number;
  readonly #q; // prepared statements
  readonly #commitSoon = (batch: Batch): void => { if (this.#batch === batch) this.#commit(batch); };

  constructor(readonly path: string, opts: SqliteStoreOptions = {}) {
    const opened = openDb(path);
    const db = (this.#db = opened.db);
    this.#written = this.#committed = opened.revision;
    this.#queueLimit = opts.watchQueueLimit ?? 1024;
    this.#giveWayAt = Math.max(1, Math.floor(this.#queueLimit / 2));
    this.#recent = new RecentEvents(opts.recentEvents ?? 512, opts.recentEventBytes ?? 4 * 2 ** 20);
    const onError = opts.onBackgroundError ?? ((e: unknown) => console.error('sqlite store compaction failed:', e));
    this.#compactor = new Compactor(db, opened.compacted, opened.compactDone, opts.compactBatch ?? 1000, () => this.#closed, () => this.#settle());
    if (this.#compactor.pending) this.#compactor.compact(opened.compacted).catch(onError); // resume after a crash

    const cols = 'key, value, create_rev, mod_rev';
    // The state at R (< current) = current rows not written since R, plus, for every key written
    // since R, the version its first write after R replaced (prev_rev 0: it did not exist at R).
    // Costs O(writes since R + page), whatever the total history length.
    const pastList = (op: string) => db.prepare(
      `WITH changed AS (
         SELECT min(rev) AS first, prev_rev FROM log WHERE rev > @rev AND key ${op} @lo AND key < @end GROUP BY key)
       SELECT key, value, create_rev, mod_rev FROM kv WHERE key ${op} @lo AND key < @end AND mod_rev <= @rev
       UNION ALL
       SELECT p.key, p.value, p.create_rev, p.rev AS mod_rev FROM changed c JOIN log p ON p.rev = c.prev_rev
       ORDER BY key LIMIT @limit`);
    this.#q = {
      get: db.prepare<[string], KvRow>(`SELECT ${cols} FROM kv WHERE key = ?`),
      listFrom: db.prepare(`SELECT ${cols} FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?`),
      listAfter: db.prepare(`SELECT ${cols} FROM kv WHERE key > ? AND key < ? ORDER BY key LIMIT ?`),
      pastFrom: pastList('>='),
      pastAfter: pastList('>'),
      count: db.prepare<[string, string | Buffer], { n: number }>('SELECT count(*) AS n FROM kv WHERE key >= ? AND key < ?'),
      insertKv: db.prepare('INSERT INTO kv (key, value, create_rev, mod_rev) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      updateKv: db.prepare('UPDATE kv SET value = ?, mod_rev = ? WHERE key = ?'),
      deleteKv: db.prepare('DELETE FROM kv WHERE key = ?'),
      append: db.prepare('INSERT INTO log (rev, key, deleted, value, create_rev, prev_rev) VALUES (?, ?, ?, ?, ?, ?)'),
      events: db.prepare<[number, number, string, string | Buffer], LogRow>(
        `SELECT l.rev, l.key, l.deleted, l.value, l.create_rev, l.prev_rev, p.value AS prev_value, p.create_rev AS prev_create
         FROM log l LEFT JOIN log p ON p.rev = l.prev_rev
         WHERE l.rev > ? AND l.rev <= ? AND l.key >= ? AND l.key < ? ORDER BY l.rev`),
      pageCount: db.prepare<[], { n: number }>('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()'),
      begin: db.prepare('BEGIN'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
    };

    const interval = opts.compactIntervalMs ?? 30_000;
    if (interval > 0) {
      const policy = new RetentionPolicy(opts.retainRevisions ?? 10_000, opts.retainMs ?? 5 * 60_000);
      policy.target(Date.now(), this.#committed); // history from before this open counts as new
      this.#timer = setInterval(() => {
        const target = policy.target(Date.now(), this.#committed);
        if (!this.#closed && target > this.#compactor.compacted) this.#compactor.compact(target).catch(onError);
      }, interval);
      this.#timer.unref();
    }
  }

  /** Watches currently fed by the writer (the rest are catching up from the log); for metrics. */
  get liveWatches(): number { return this.#hub.size; }

  // LogSource (for watches)
  get revision(): number { return this.#committed; }
  get compacted(): number { return this.#compactor.compacted; }
  get closed(): boolean { return this.#closed; }

  recentEvents(prefix: string, after: number, upTo: number): StoreEvent[] | undefined {
    return this.#recent.read(prefix, after, upTo);
  }

  readEvents(prefix: string, end: string | undefined, after: number, upTo: number): StoreEvent[] {
    return this.#q.events.all(after, upTo, prefix, endParam(end)).map((r): StoreEvent => {
      const prev = r.prev_rev > 0 && r.prev_value !== null
        ? { key: r.key, value: r.prev_value, createRevision: r.prev_create!, modRevision: r.prev_rev }
        : undefined;
      if (r.deleted) return { type: 'delete', key: r.key, revision: r.rev, prev: prev! };
      const kv = { key: r.key, value: r.value!, createRevision: r.create_rev, modRevision: r.rev };
      return prev ? { type: 'put', kv, prev } : { type: 'put', kv };
    });
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.#open();
    if (this.#batch?.keys.has(key)) this.#settle();
    const row = this.#q.get.get(key);
    return row && toKv(row);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.#open();
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const revision = opts.revision ?? 0;
    if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`invalid list revision ${revision}`);
    this.#settleUnder(prefix);
    const end = endParam(prefixEnd(prefix));
    const after = opts.startAfter !== undefined && compareKeys(opts.startAfter, prefix) >= 0;
    const lower = after ? opts.startAfter! : prefix;
    const sqlLimit = limit ? limit + 1 : -1;
    let rows: KvRow[];
    if (revision === 0 || revision === this.#committed) {
      rows = (after ? this.#q.listAfter : this.#q.listFrom).all(lower, end, sqlLimit) as KvRow[];
    } else {
      this.#checkReadable(revision);
      rows = (after ? this.#q.pastAfter : this.#q.pastFrom).all({ lo: lower, end, rev: revision, limit: sqlLimit }) as KvRow[];
    }
    const more = limit > 0 && rows.length > limit;
    if (more) rows.pop();
    return { kvs: rows.map(toKv), revision: revision || this.#committed, more };
  }

  async count(prefix: string): Promise<number> {
    this.#open();
    this.#settleUnder(prefix);
    return this.#q.count.get(prefix, endParam(prefixEnd(prefix)))!.n;
  }

  async create(key: string, value: Uint8Array, companion?: unknown): Promise<KeyValue> {
    await this.#giveWay();
    this.#open();
    assertKey(key);
    const v = ownCopy(value); // live events must not change if the caller reuses its buffer
    const batch = this.#batch ?? this.#begin();
    const rev = this.#written + 1;
    let inserted: boolean;
    try {
      inserted = this.#q.insertKv.run(key, v, rev, rev).changes > 0;
      if (inserted) this.#q.append.run(rev, key, 0, v, rev, 0);
    } catch (e) {
      throw this.#fatal(batch, e);
    }
    if (!inserted) throw this.#err('KeyExists', `key ${key} already exists`);
    this.#written = rev;
    const kv: KeyValue = companion === undefined
      ? { key, value: v, createRevision: rev, modRevision: rev }
      : { key, value: v, createRevision: rev, modRevision: rev, companion };
    this.#add(batch, { type: 'put', kv }, v.byteLength);
    await batch.done;
    return kv;
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number, companion?: unknown): Promise<KeyValue> {
    await this.#giveWay();
    this.#open();
    assertKey(key);
    const cur = this.#current(key, expectedModRevision);
    const v = ownCopy(value);
    const batch = this.#batch ?? this.#begin();
    const rev = this.#written + 1;
    try {
      this.#q.updateKv.run(v, rev, key);
      this.#q.append.run(rev, key, 0, v, cur.create_rev, cur.mod_rev);
    } catch (e) {
      throw this.#fatal(batch, e);
    }
    this.#written = rev;
    const kv: KeyValue = companion === undefined
      ? { key, value: v, createRevision: cur.create_rev, modRevision: rev }
      : { key, value: v, createRevision: cur.create_rev, modRevision: rev, companion };
    this.#add(batch, { type: 'put', kv, prev: toKv(cur) }, v.byteLength);
    await batch.done;
    return kv;
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    await this.#giveWay();
    this.#open();
    assertKey(key);
    const cur = this.#current(key, expectedModRevision);
    const batch = this.#batch ?? this.#begin();
    const rev = this.#written + 1;
    try {
      this.#q.deleteKv.run(key);
      this.#q.append.run(rev, key, 1, null, cur.create_rev, cur.mod_rev);
    } catch (e) {
      throw this.#fatal(batch, e);
    }
    this.#written = rev;
    const prev = toKv(cur);
    this.#add(batch, { type: 'delete', key, revision: rev, prev }, 0);
    await batch.done;
    return prev;
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    return new LogWatch(this, this.#hub, prefix, prefixEnd(prefix), afterRevision, signal, { queueLimit: this.#queueLimit });
  }

  async currentRevision(): Promise<number> {
    this.#open();
    return this.#committed;
  }

  async compactedRevision(): Promise<number> {
    this.#open();
    return this.#compactor.compacted;
  }

  async compact(revision: number): Promise<void> {
    this.#open();
    if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`invalid compaction revision ${revision}`);
    if (revision > this.#committed) throw this.#err('FutureRevision', `cannot compact at ${revision}: current revision is ${this.#committed}`);
    await this.#compactor.compact(revision); // commits the open batch first
  }

  async size(): Promise<number> {
    this.#open();
    return this.#q.pageCount.get()!.n;
  }

  /** Commits the open batch first; if that COMMIT fails, its writes fail and the store closes all the same. */
  async close(): Promise<void> {
    const batch = this.#batch;
    if (batch) this.#commit(batch);
    this.#shutdown();
  }

  get [CONNECTION](): Database.Database { return this.#db; }

  /**
   * Before a write: while a live watch holds half its queue limit, let its consumer run first.
   * In-process consumers (informers) run as promise callbacks, like the requests that write:
   * with many requests in flight they get one turn in dozens and would fall ever further
   * behind (the binding benchmark's informers ended up ~50,000 revisions back, read from the
   * log). Waiting for the next turn of the event loop lets every pending callback run first,
   * so they drain their backlog in one go; only half-full queues trigger it, so the watches
   * still consume in batches.
   */
  async #giveWay(): Promise<void> {
    if (this.#hub.backlog >= this.#giveWayAt) await yieldToLoop();
  }

  /** Opens a batch: BEGIN now, COMMIT on the next turn of the event loop (or when full). */
  #begin(): Batch {
    this.#q.begin.run();
    const batch = (this.#batch = newBatch());
    setImmediate(this.#commitSoon, batch);
    return batch;
  }

  /** A write ran its statements in `batch`; commits at once when the batch is full. */
  #add(batch: Batch, ev: StoreEvent, bytes: number): void {
    batch.events.push(ev);
    batch.keys.add(ev.type === 'put' ? ev.kv.key : ev.key);
    batch.bytes += bytes;
    if (batch.events.length >= BATCH_WRITES || batch.bytes >= BATCH_BYTES) this.#commit(batch);
  }

  /** Before a read of keys under `prefix`: commits the open batch if it wrote one of them. */
  #settleUnder(prefix: string): void {
    const batch = this.#batch;
    if (!batch) return;
    for (const key of batch.keys) {
      if (key.startsWith(prefix)) return this.#settle();
    }
  }

  /** Commits the open batch, if any (before compaction, close and reads of its keys). Throws if the COMMIT fails. */
  #settle(): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#commit(batch);
    if (this.#closed) throw new StoreError('Closed', 'store is closed');
  }

  /** COMMIT, then publish the batch's events in revision order and let its writes return. */
  #commit(batch: Batch): void {
    this.#batch = undefined;
    try {
      this.#q.commit.run();
    } catch (e) {
      this.#fatal(batch, e);
      return;
    }
    this.#committed = this.#written;
    for (const ev of batch.events) {
      const rev = ev.type === 'put' ? ev.kv.modRevision : ev.revision;
      this.#recent.push(ev, rev);
      this.#hub.publish(ev, ev.type === 'put' ? ev.kv.key : ev.key, rev);
    }
    batch.resolve();
  }

  /**
   * SQLite failed inside a batch (a statement or the COMMIT): what reached the file is unknown,
   * so, like etcd after a failed WAL write, give up: roll back, fail every write of the batch
   * with the error, publish none of it, close the store. Returns the error for `throw`.
   */
  #fatal(batch: Batch, err: unknown): unknown {
    if (this.#batch === batch) this.#batch = undefined;
    try {
      if (this.#db.inTransaction) this.#q.rollback.run();
    } catch {
      // closing the connection below discards the transaction anyway
    }
    batch.reject(err);
    this.#shutdown();
    return err;
  }

  #shutdown(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#hub.failAll(new StoreError('Closed', 'store is closed', this.#committed));
    this.#recent.clear();
    this.#db.close();
  }

  /** The key's current row (open batch included), checked against an expected modRevision. */
  #current(key: string, expected: number | undefined): KvRow {
    const cur = this.#q.get.get(key);
    if (!cur) throw this.#err('NotFound', `key ${key} not found`);
    if (expected !== undefined && cur.mod_rev !== expected) {
      throw this.#err('Conflict', `key ${key}: expected modRevision ${expected}, found ${cur.mod_rev}`);
    }
    return cur;
  }

  #checkReadable(revision: number): void {
    if (revision > this.#committed) {
      throw this.#err('FutureRevision', `revision ${revision} is newer than the current revision ${this.#committed}`);
    }
    if (revision < this.#compactor.compacted) {
      throw this.#err('Compacted', `revision ${revision} has been compacted (oldest available: ${this.#compactor.compacted})`);
    }
  }

  #err(code: 'KeyExists' | 'NotFound' | 'Conflict' | 'Compacted' | 'FutureRevision', message: string): StoreError {
    return new StoreError(code, message, this.#committed, this.#compactor.compacted);
  }

  #open(): void {
    if (this.#closed) throw new StoreError('Closed', 'store is closed');
  }
}
