// Store benchmark: prints figures, asserts nothing.
//   node --import tsx bench/store.ts [writes]
// (a) create writes/s of the SQLite store vs raw better-sqlite3 single-row inserts into one
//     keyed table, same file system, same pragmas, same keys and values (target: >= 50%).
//     One write at a time: each is a transaction of its own (and waits one loop turn for it).
// (b) put -> watch latency with one watcher, p50 / p99 (target: p99 < 5 ms).
// (c) creates, then updates of those keys, with IN_FLIGHT writers at once (as the API server
//     issues them), vs raw better-sqlite3 doing the same rows one autocommit statement each,
//     and IN_FLIGHT statements per transaction (what group commit could reach at best). The
//     store also reads the row (CAS check, the event's previous value) and appends to the log.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../src/store/index.js';
import { PRAGMAS } from '../src/store/sqlite/schema.js';

const WRITES = Number(process.argv[2] ?? 20_000);
const ROUNDS = 5;
const IN_FLIGHT = 64;
const VALUE = new Uint8Array(1024).fill(120); // about a small pod object
// Updates write other bytes: SQLite skips rewriting a row whose new content equals the old.
const VALUE2 = new Uint8Array(1024).fill(121);
const keyOf = (i: number) => `/registry/pods/default/web-${String(i).padStart(7, '0')}`;
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-store-'));
let files = 0;
const freshPath = () => join(dir, `db${files++}.sqlite`);

function rawInserts(): number {
  const db = new Database(freshPath());
  for (const p of PRAGMAS) db.pragma(p);
  // The fastest plain shape for keyed rows (WITHOUT ROWID is slower for ~1 KiB values).
  db.exec('CREATE TABLE t (key TEXT PRIMARY KEY, value BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO t (key, value) VALUES (?, ?)');
  const t0 = performance.now();
  for (let i = 0; i < WRITES; i++) insert.run(keyOf(i), VALUE); // autocommit: one transaction each
  const ms = performance.now() - t0;
  db.close();
  return (WRITES / ms) * 1000;
}

async function storeCreates(): Promise<number> {
  const store = await openSqliteStore(freshPath());
  const t0 = performance.now();
  for (let i = 0; i < WRITES; i++) await store.create(keyOf(i), VALUE);
  const ms = performance.now() - t0;
  await store.close();
  return (WRITES / ms) * 1000;
}

/** Raw better-sqlite3: WRITES inserts, then WRITES updates of the same keys, `perTx` statements per transaction. */
function rawCreateUpdate(perTx: number): [creates: number, updates: number] {
  const db = new Database(freshPath());
  for (const p of PRAGMAS) db.pragma(p);
  db.exec('CREATE TABLE t (key TEXT PRIMARY KEY, value BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO t (key, value) VALUES (?, ?)');
  const update = db.prepare('UPDATE t SET value = ? WHERE key = ?');
  const inTx = db.transaction((run: (i: number) => void, from: number) => {
    for (let i = from; i < Math.min(WRITES, from + perTx); i++) run(i);
  });
  const each = (run: (i: number) => void) => {
    if (perTx === 1) for (let i = 0; i < WRITES; i++) run(i); // autocommit
    else for (let i = 0; i < WRITES; i += perTx) inTx(run, i);
  };
  const t0 = performance.now();
  each((i) => insert.run(keyOf(i), VALUE));
  const t1 = performance.now();
  each((i) => update.run(VALUE2, keyOf(i)));
  const t2 = performance.now();
  db.close();
  return [(WRITES / (t1 - t0)) * 1000, (WRITES / (t2 - t1)) * 1000];
}

/** The store: the same creates, then updates (CAS on the revision each create returned), IN_FLIGHT at a time. */
async function storeCreateUpdate(): Promise<[creates: number, updates: number]> {
  const store = await openSqliteStore(freshPath());
  const revs = new Float64Array(WRITES);
  const inFlight = async (write: (i: number) => Promise<void>) => {
    let next = 0;
    const worker = async () => { for (let i = next++; i < WRITES; i = next++) await write(i); };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  };
  const t0 = performance.now();
  await inFlight(async (i) => { revs[i] = (await store.create(keyOf(i), VALUE)).modRevision; });
  const t1 = performance.now();
  await inFlight(async (i) => { await store.update(keyOf(i), VALUE2, revs[i]); });
  const t2 = performance.now();
  await store.close();
  return [(WRITES / (t1 - t0)) * 1000, (WRITES / (t2 - t1)) * 1000];
}

async function watchLatency(n: number): Promise<number[]> {
  const store = await openSqliteStore(freshPath());
  const ac = new AbortController();
  let waiting: { rev: number; resolve: (t: number) => void } | undefined;
  const seen = new Map<number, number>();
  const watcher = (async () => {
    for await (const ev of store.watch('/registry/pods/', 0, ac.signal)) {
      const now = performance.now();
      const rev = ev.type === 'put' ? ev.kv.modRevision : ev.revision;
      if (waiting?.rev === rev) waiting.resolve(now);
      else seen.set(rev, now);
    }
  })();
  const latencies: number[] = [];
  let hot = await store.create('/registry/pods/default/hot', VALUE);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    // Alternate creates and updates (updates carry prev, like most API writes).
    const rev = i % 2
      ? (hot = await store.update(hot.key, VALUE, hot.modRevision)).modRevision
      : (await store.create(keyOf(i), VALUE)).modRevision;
    const at = seen.get(rev) ?? (await new Promise<number>((resolve) => { waiting = { rev, resolve }; }));
    seen.delete(rev);
    latencies.push(at - t0);
  }
  ac.abort();
  await watcher;
  await store.close();
  return latencies.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

try {
  console.log(`store bench: ${fmt(WRITES)} writes of ${VALUE.length} B per run, best of ${ROUNDS} runs, ${process.version}`);
  let raw = 0;
  let ours = 0;
  for (let r = 0; r < ROUNDS; r++) {
    raw = Math.max(raw, rawInserts());
    ours = Math.max(ours, await storeCreates());
  }
  console.log(`(a) raw better-sqlite3 insert : ${fmt(raw)} writes/s`);
  console.log(`    store.create              : ${fmt(ours)} writes/s`);
  console.log(`    ratio                     : ${((ours / raw) * 100).toFixed(1)}% (target >= 50%)`);
  let rawC = 0, rawU = 0, batchC = 0, batchU = 0, oursC = 0, oursU = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const [c, u] = rawCreateUpdate(1);
    rawC = Math.max(rawC, c);
    rawU = Math.max(rawU, u);
    const [bc, bu] = rawCreateUpdate(IN_FLIGHT);
    batchC = Math.max(batchC, bc);
    batchU = Math.max(batchU, bu);
    const [sc, su] = await storeCreateUpdate();
    oursC = Math.max(oursC, sc);
    oursU = Math.max(oursU, su);
  }
  console.log(`(c) ${IN_FLIGHT} writes in flight         creates/s   updates/s`);
  console.log(`    raw better-sqlite3 (autocommit) ${fmt(rawC).padStart(9)}   ${fmt(rawU).padStart(9)}`);
  console.log(`    raw, ${IN_FLIGHT} per transaction        ${fmt(batchC).padStart(9)}   ${fmt(batchU).padStart(9)}`);
  console.log(`    store                           ${fmt(oursC).padStart(9)}   ${fmt(oursU).padStart(9)}`);
  console.log(`    ratio to autocommit             ${((oursC / rawC) * 100).toFixed(1).padStart(8)}%   ${((oursU / rawU) * 100).toFixed(1).padStart(8)}%`);
  const lat = await watchLatency(5000);
  console.log(`(b) put -> watch latency, ${fmt(lat.length)} writes, 1 watcher: p50 ${(pct(lat, 50) * 1000).toFixed(0)} us, p99 ${(pct(lat, 99) * 1000).toFixed(0)} us, max ${(lat.at(-1)! * 1000).toFixed(0)} us (target p99 < 5 ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
