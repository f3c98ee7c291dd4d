// The embedded Store on SQLite (better-sqlite3, synchronous). Every write is one transaction
// that updates `kv` and appends one `log` row; the revision counter lives in memory (the file
// is opened with an exclusive lock, so nothing else can write it) and only moves after the
// commit succeeded. Watch events are published synchronously right after the commit; see
// watch.ts for ordering and the slow-watcher policy, compactor.ts for compaction.
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

const toKv = (r: KvRow): KeyValue => ({ key: r.key, value: r.value, createRevision: r.create_rev, modRevision: r.mod_rev });

export function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): Promise<SqliteStore> {
  return Promise.resolve().then(() => new SqliteStore(path, opts));
}

export class SqliteStore implements Store, LogSource {
  #revision: number;
  #closed = false;
  readonly #db: Database.Database;
  readonly #hub = new WatchHub();
  readonly #recent: RecentEvents;
  readonly #compactor: Compactor;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #queueLimit: number;
  readonly #giveWayAt: number;
  readonly #q; // prepared statements
  readonly #create: (key: string, value: Buffer, rev: number) => void;
  readonly #update: (key: string, value: Buffer, expected: number, rev: number) => KvRow;
  readonly #delete: (key: string, expected: number | undefined, rev: number) => KvRow;

  constructor(readonly path: string, opts: SqliteStoreOptions = {}) {
    const opened = openDb(path);
    const db = (this.#db = opened.db);
    this.#revision = opened.revision;
    this.#queueLimit = opts.watchQueueLimit ?? 1024;
    this.#giveWayAt = Math.max(1, Math.floor(this.#queueLimit / 2));
    this.#recent = new RecentEvents(opts.recentEvents ?? 512, opts.recentEventBytes ?? 4 * 2 ** 20);
    const onError = opts.onBackgroundError ?? ((e: unknown) => console.error('sqlite store compaction failed:', e));
    this.#compactor = new Compactor(db, opened.compacted, opened.compactDone, opts.compactBatch ?? 1000, () => this.#closed);
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
    const q = (this.#q = {
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
    });

    // Each write: one transaction; a thrown StoreError rolls it back.
    this.#create = db.transaction((key: string, value: Buffer, rev: number) => {
      if (q.insertKv.run(key, value, rev, rev).changes === 0) throw this.#err('KeyExists', `key ${key} already exists`);
      q.append.run(rev, key, 0, value, rev, 0);
    });
    this.#update = db.transaction((key: string, value: Buffer, expected: number, rev: number) => {
      const cur = this.#current(key, expected);
      q.updateKv.run(value, rev, key);
      q.append.run(rev, key, 0, value, cur.create_rev, cur.mod_rev);
      return cur;
    });
    this.#delete = db.transaction((key: string, expected: number | undefined, rev: number) => {
      const cur = this.#current(key, expected);
      q.deleteKv.run(key);
      q.append.run(rev, key, 1, null, cur.create_rev, cur.mod_rev);
      return cur;
    });

    const interval = opts.compactIntervalMs ?? 30_000;
    if (interval > 0) {
      const policy = new RetentionPolicy(opts.retainRevisions ?? 10_000, opts.retainMs ?? 5 * 60_000);
      policy.target(Date.now(), this.#revision); // history from before this open counts as new
      this.#timer = setInterval(() => {
        const target = policy.target(Date.now(), this.#revision);
        if (!this.#closed && target > this.#compactor.compacted) this.#compactor.compact(target).catch(onError);
      }, interval);
      this.#timer.unref();
    }
  }

  /** Watches currently fed by the writer (the rest are catching up from the log); for metrics. */
  get liveWatches(): number { return this.#hub.size; }

  // LogSource (for watches)
  get revision(): number { return this.#revision; }
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
    const row = this.#q.get.get(key);
    return row && toKv(row);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.#open();
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const revision = opts.revision ?? 0;
    if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`invalid list revision ${revision}`);
    const end = endParam(prefixEnd(prefix));
    const after = opts.startAfter !== undefined && compareKeys(opts.startAfter, prefix) >= 0;
    const lower = after ? opts.startAfter! : prefix;
    const sqlLimit = limit ? limit + 1 : -1;
    let rows: KvRow[];
    if (revision === 0 || revision === this.#revision) {
      rows = (after ? this.#q.listAfter : this.#q.listFrom).all(lower, end, sqlLimit) as KvRow[];
    } else {
      this.#checkReadable(revision);
      rows = (after ? this.#q.pastAfter : this.#q.pastFrom).all({ lo: lower, end, rev: revision, limit: sqlLimit }) as KvRow[];
    }
    const more = limit > 0 && rows.length > limit;
    if (more) rows.pop();
    return { kvs: rows.map(toKv), revision: revision || this.#revision, more };
  }

  async count(prefix: string): Promise<number> {
    this.#open();
    return this.#q.count.get(prefix, endParam(prefixEnd(prefix)))!.n;
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    await this.#giveWay();
    this.#open();
    assertKey(key);
    const v = ownCopy(value); // live events must not change if the caller reuses its buffer
    const rev = this.#revision + 1;
    this.#create(key, v, rev);
    this.#revision = rev;
    const kv: KeyValue = { key, value: v, createRevision: rev, modRevision: rev };
    this.#publish({ type: 'put', kv }, key, rev);
    return kv;
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    await this.#giveWay();
    this.#open();
    assertKey(key);
    const v = ownCopy(value);
    const rev = this.#revision + 1;
    const prev = this.#update(key, v, expectedModRevision, rev);
    this.#revision = rev;
    const kv: KeyValue = { key, value: v, createRevision: prev.create_rev, modRevision: rev };
    this.#publish({ type: 'put', kv, prev: toKv(prev) }, key, rev);
    return kv;
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    await this.#giveWay();
    this.#open();
    assertKey(key);
    const rev = this.#revision + 1;
    const prev = toKv(this.#delete(key, expectedModRevision, rev));
    this.#revision = rev;
    this.#publish({ type: 'delete', key, revision: rev, prev }, key, rev);
    return prev;
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    return new LogWatch(this, this.#hub, prefix, prefixEnd(prefix), afterRevision, signal, { queueLimit: this.#queueLimit });
  }

  async currentRevision(): Promise<number> {
    this.#open();
    return this.#revision;
  }

  async compactedRevision(): Promise<number> {
    this.#open();
    return this.#compactor.compacted;
  }

  async compact(revision: number): Promise<void> {
    this.#open();
    if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`invalid compaction revision ${revision}`);
    if (revision > this.#revision) throw this.#err('FutureRevision', `cannot compact at ${revision}: current revision is ${this.#revision}`);
    await this.#compactor.compact(revision);
  }

  async size(): Promise<number> {
    this.#open();
    return this.#q.pageCount.get()!.n;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#hub.failAll(new StoreError('Closed', 'store is closed', this.#revision));
    this.#recent.clear();
    this.#db.close();
  }

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

  /** After a commit: to the live watches, and into the recent events for those catching up. */
  #publish(ev: StoreEvent, key: string, rev: number): void {
    this.#recent.push(ev, rev);
    this.#hub.publish(ev, key, rev);
  }

  /** The key's current row, checked against an expected modRevision (inside a write). */
  #current(key: string, expected: number | undefined): KvRow {
    const cur = this.#q.get.get(key);
    if (!cur) throw this.#err('NotFound', `key ${key} not found`);
    if (expected !== undefined && cur.mod_rev !== expected) {
      throw this.#err('Conflict', `key ${key}: expected modRevision ${expected}, found ${cur.mod_rev}`);
    }
    return cur;
  }

  #checkReadable(revision: number): void {
    if (revision > this.#revision) {
      throw this.#err('FutureRevision', `revision ${revision} is newer than the current revision ${this.#revision}`);
    }
    if (revision < this.#compactor.compacted) {
      throw this.#err('Compacted', `revision ${revision} has been compacted (oldest available: ${this.#compactor.compacted})`);
    }
  }

  #err(code: 'KeyExists' | 'NotFound' | 'Conflict' | 'Compacted' | 'FutureRevision', message: string): StoreError {
    return new StoreError(code, message, this.#revision, this.#compactor.compacted);
  }

  #open(): void {
    if (this.#closed) throw new StoreError('Closed', 'store is closed');
  }
}
