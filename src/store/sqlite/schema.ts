// Opening a SQLite store file: pragmas and schema.
//
// Tables:
//   kv   current value of every live key. All plain reads (get, list, count) hit only this
//        table, so they cost the same however long the history is. A rowid table (values live
//        in the table b-tree, the key index stays small): WITHOUT ROWID pushes object-sized
//        rows onto overflow pages and made writes ~1.7x slower.
//   log  one row per revision (the revision counter is its primary key): puts carry the value,
//        deletes (tombstones) carry none; `prev_rev` points at the key's previous version, which
//        gives watch events their `prev`, tells compaction what a row superseded, and lets a
//        list at revision R undo the changes made after R. No index on key: it would add a
//        fourth b-tree page to every write, and nothing needs it.
//   meta compaction state (`compacted`, `compact_done`) and the schema version.
// The current revision is max(log.rev, compacted): every revision above `compacted` has a log
// row, so no per-write counter row is needed.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const SCHEMA_VERSION = 1;

/**
 * Pragmas for every store connection (the benchmark baseline uses the same ones).
 * WAL + synchronous=NORMAL: a committed transaction survives a process crash (it is in the
 * WAL file once the write returns); only an OS crash or power loss can drop the last few.
 * Exclusive locking: one process owns the file, which the in-memory revision counter and the
 * in-process watch fan-out rely on; it also keeps the WAL index in heap memory.
 * Checkpoints every 10,000 WAL pages (~40 MB) instead of 1,000: the pages a burst of writes
 * touches again and again (kv leaves, the log's last page) are copied back once, and the
 * checkpoint's fsyncs come ten times less often. Durability is the WAL's, as before.
 * An 8 MB page cache: 32 MB bought no measurable write throughput (bench/store.ts, the log
 * grows at its end) and, filled, was 24 MB more of the server's resident memory.
 */
export const PRAGMAS = [
  'locking_mode = EXCLUSIVE',
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'cache_size = -8000',
  'wal_autocheckpoint = 10000',
  'temp_store = MEMORY',
] as const;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY, value BLOB NOT NULL, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS log (
  rev INTEGER PRIMARY KEY, key TEXT NOT NULL, deleted INTEGER NOT NULL, value BLOB,
  create_rev INTEGER NOT NULL, prev_rev INTEGER NOT NULL
);
`;

export interface OpenedDb {
  readonly db: Database.Database;
  readonly revision: number;
  readonly compacted: number;
  /** Compaction progress: history at or below this has been cleaned (<= compacted). */
  readonly compactDone: number;
}

export function openDb(path: string): OpenedDb {
  const memory = path === ':memory:';
  if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
  // A short busy wait: the lock is only ever held by another owner of the file (or one that is
  // just exiting), and failing fast with a clear message beats hanging a start-up.
  const db = new Database(path, { timeout: 500 });
  try {
    for (const p of PRAGMAS) db.pragma(p);
    db.exec(DDL);
    const meta = db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE name = ?');
    const version = meta.get('schema_version')?.value;
    if (version === undefined) {
      db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)').run('schema_version', SCHEMA_VERSION);
    } else if (version !== SCHEMA_VERSION) {
      throw new Error(`sqlite store ${path}: schema version ${version}, this build reads ${SCHEMA_VERSION}`);
    }
    const compacted = meta.get('compacted')?.value ?? 0;
    const compactDone = meta.get('compact_done')?.value ?? 0;
    const maxRev = db.prepare<[], { r: number | null }>('SELECT max(rev) AS r FROM log').get()?.r ?? 0;
    return { db, revision: Math.max(maxRev, compacted), compacted, compactDone: Math.min(compactDone, compacted) };
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') {
      throw new Error(`sqlite store ${path} is in use by another process or connection`, { cause: e });
    }
    throw e;
  }
}
