// Group commit: writes of one turn of the event loop share a transaction. What a caller can
// rely on: a write resolves after its batch committed, events come after the commit in
// revision order, a write's own failure leaves the rest of its batch alone, and a failure of
// SQLite itself inside a batch fails the whole batch and closes the store.
//
// `turn()` resolves in the check phase of the current loop turn: registered before any write
// of the test opens a batch, it runs before that batch's commit (immediates run in order), so
// the test can look at an open batch.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { dec, enc, plain, rejectsWith, revOf } from '../conformance/util.js';
import { isStoreError, type KeyValue, type Store, type StoreEvent } from '../types.js';
import { connectionOf, openSqliteStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-store-group-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `g${n++}.db`);

const turn = () => new Promise<void>((resolve) => { setImmediate(resolve); });

/** Collects a watch's events until it ends; `ended` holds how it ended. */
function collect(s: Store, prefix: string, after = 0) {
  const events: StoreEvent[] = [];
  const ac = new AbortController();
  const ended = (async () => {
    try {
      for await (const ev of s.watch(prefix, after, ac.signal)) events.push(ev);
      return 'done';
    } catch (e) {
      return e;
    }
  })();
  return { events, ended, stop: () => ac.abort() };
}

/** The code of a SQLite error (better-sqlite3's SqliteError), or the StoreError code. */
const codeOf = (r: PromiseSettledResult<unknown>): string =>
  r.status === 'fulfilled' ? 'ok' : String((r.reason as { code?: string }).code);

test('a mixed batch: a Conflict and a KeyExists fail alone, the other writes commit together', async () => {
  const s = await openSqliteStore(fresh(), { compactIntervalMs: 0 });
  const a = await s.create('/m/a', enc('a1'));
  const b = await s.create('/m/b', enc('b1'));
  const gone = await s.create('/m/gone', enc('g'));
  const w = collect(s, '/m/', gone.modRevision);
  const probe = turn();
  const writes = [
    s.create('/m/new', enc('n1')),
    s.update('/m/a', enc('stale'), a.modRevision - 1), // Conflict
    s.update('/m/b', enc('b2'), b.modRevision),
    s.create('/m/a', enc('again')), // KeyExists
    s.delete('/m/gone', gone.modRevision),
    s.update('/m/missing', enc('x'), 1), // NotFound
  ];
  const settled = Promise.allSettled(writes); // failures reject before the test looks
  await probe;
  const db = connectionOf(s);
  assert.ok(db.inTransaction, 'the writes wait in one open transaction');
  assert.equal(w.events.length, 0, 'nothing is published before the commit');
  const results = await settled;
  assert.deepEqual(results.map(codeOf), ['ok', 'Conflict', 'ok', 'KeyExists', 'ok', 'NotFound']);
  assert.ok(!db.inTransaction);
  const [created, , updated, , deleted] = results.map((r) => (r.status === 'fulfilled' ? (r.value as KeyValue) : undefined));
  const base = gone.modRevision;
  assert.deepEqual([created!.modRevision, updated!.modRevision], [base + 1, base + 2], 'dense revisions, failures use none');
  assert.deepEqual(plain(deleted), plain(gone), 'delete returns the value it removed');
  assert.equal(await s.currentRevision(), base + 3);
  assert.equal(dec((await s.get('/m/a'))!.value), 'a1', 'nothing written for the failed writes');
  assert.equal(await s.get('/m/missing'), undefined);
  assert.deepEqual(plain(await s.get('/m/b')), { key: '/m/b', value: 'b2', createRevision: b.modRevision, modRevision: base + 2 });
  await waitUntil(() => w.events.length === 3);
  assert.deepEqual(w.events.map(revOf), [base + 1, base + 2, base + 3], 'events in revision order');
  const [put, upd, del] = w.events;
  assert.ok(put.type === 'put' && !put.prev);
  assert.ok(upd.type === 'put' && dec(upd.prev!.value) === 'b1' && upd.prev!.modRevision === b.modRevision);
  assert.ok(del.type === 'delete' && dec(del.prev.value) === 'g');
  w.stop();
  await s.close();
});

test('a write resolves after the commit; events follow in revision order', async () => {
  const s = await openSqliteStore(':memory:', { compactIntervalMs: 0 });
  const db = connectionOf(s);
  const w = collect(s, '/e/');
  const first = s.create('/e/0', enc('0')).then((kv) => {
    assert.ok(!db.inTransaction, 'resolved after the COMMIT');
    return kv;
  });
  const rest = Array.from({ length: 9 }, (_, i) => s.create(`/e/${i + 1}`, enc(String(i + 1))));
  const kvs = [await first, ...(await Promise.all(rest))];
  await waitUntil(() => w.events.length === 10);
  assert.deepEqual(w.events.map(revOf), kvs.map((kv) => kv.modRevision), 'every event, in revision order');
  assert.deepEqual(w.events.map(revOf), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  w.stop();
  await s.close();
});

test('reads see committed state: a read of a key in the open batch commits it first', async () => {
  const s = await openSqliteStore(':memory:', { compactIntervalMs: 0 });
  const db = connectionOf(s);
  await s.create('/other/x', enc('x'));
  const probe = turn();
  const writes = Promise.all([s.create('/r/a', enc('a')), s.create('/r/b', enc('b'))]);
  await probe;
  // Reads of other keys leave the batch alone and report the committed revision.
  assert.equal(dec((await s.get('/other/x'))!.value), 'x');
  assert.equal((await s.list('/other/')).revision, 1);
  assert.equal(await s.count('/r/a/'), 0);
  assert.equal(await s.currentRevision(), 1);
  assert.ok(db.inTransaction, 'the batch is still open');
  // A read that would see the batch commits it, publishes it, then reads.
  const w = collect(s, '/r/', 1);
  assert.deepEqual((await s.list('/r/')).kvs.map((kv) => kv.key), ['/r/a', '/r/b']);
  assert.ok(!db.inTransaction);
  assert.equal(await s.currentRevision(), 3);
  assert.deepEqual((await writes).map((kv) => kv.modRevision), [2, 3]);
  await waitUntil(() => w.events.length === 2);

  const probe2 = turn();
  const update = s.update('/r/a', enc('a2'), 2);
  await probe2;
  assert.ok(db.inTransaction);
  assert.equal(dec((await s.get('/r/a'))!.value), 'a2');
  assert.ok(!db.inTransaction, 'get of a key in the batch commits it');
  assert.equal((await update).modRevision, 4);
  w.stop();
  await s.close();
});

test('a full batch commits at once; the rest of the turn goes into the next one', async () => {
  const s = await openSqliteStore(':memory:', { compactIntervalMs: 0 });
  const w = collect(s, '/c/');
  const probe = turn();
  const writes = Array.from({ length: 300 }, (_, i) => s.create(`/c/${i}`, enc('x')));
  await probe;
  assert.equal(w.events.length, 256, 'the first 256 writes committed and were published');
  assert.ok(connectionOf(s).inTransaction, 'the other 44 wait in the next batch');
  const kvs = await Promise.all(writes);
  assert.deepEqual(kvs.map((kv) => kv.modRevision), Array.from({ length: 300 }, (_, i) => i + 1));
  await waitUntil(() => w.events.length === 300);
  w.stop();
  await s.close();
});

test('close() commits the open batch first; the writes are acknowledged and on disk', async () => {
  const path = fresh();
  const s = await openSqliteStore(path, { compactIntervalMs: 0 });
  await s.create('/k/base', enc('0'));
  const w = collect(s, '/k/');
  const probe = turn();
  const writes = [s.create('/k/a', enc('a')), s.create('/k/b', enc('b'))];
  await probe;
  await s.close();
  const kvs = await Promise.all(writes);
  assert.deepEqual(kvs.map((kv) => kv.modRevision), [2, 3]);
  const ended = await w.ended;
  assert.ok(isStoreError(ended, 'Closed'), `the watch ends with Closed, got ${String(ended)}`);
  await rejectsWith(s.create('/k/late', enc('x')), 'Closed');

  const again = await openSqliteStore(path, { compactIntervalMs: 0 });
  assert.equal(await again.currentRevision(), 3);
  assert.deepEqual((await again.list('/k/')).kvs.map((kv) => [kv.key, dec(kv.value), kv.modRevision]), [['/k/a', 'a', 2], ['/k/b', 'b', 3], ['/k/base', '0', 1]]);
  // CAS against what the file holds.
  await rejectsWith(again.update('/k/a', enc('x'), 1), 'Conflict');
  await rejectsWith(again.create('/k/b', enc('x')), 'KeyExists');
  assert.equal((await again.update('/k/a', enc('a2'), 2)).modRevision, 4);
  await again.close();
});

test('compact() commits the open batch before it writes anything', async () => {
  const s = await openSqliteStore(':memory:', { compactIntervalMs: 0 });
  const first = await s.create('/p/k', enc('0'));
  const second = await s.update('/p/k', enc('1'), first.modRevision);
  const probe = turn();
  const writes = [1, 2, 3].map((i) => s.create(`/p/${i}`, enc('x')));
  const update = s.update('/p/k', enc('2'), second.modRevision);
  await probe;
  assert.ok(connectionOf(s).inTransaction);
  await s.compact(second.modRevision);
  assert.ok(!connectionOf(s).inTransaction, 'compaction ran in a transaction of its own');
  assert.deepEqual((await Promise.all([...writes, update])).map((kv) => kv.modRevision), [3, 4, 5, 6]);
  assert.equal(await s.compactedRevision(), second.modRevision);
  await assert.rejects(s.list('/p/', { revision: first.modRevision }), { code: 'Compacted' });
  assert.equal(dec((await s.list('/p/', { revision: second.modRevision })).kvs[0].value), '1');
  assert.equal(dec((await s.get('/p/k'))!.value), '2');
  await s.close();
});

test('a failed COMMIT fails every write of its batch, publishes none of it, and closes the store', async () => {
  const path = fresh();
  const s = await openSqliteStore(path, { compactIntervalMs: 0 });
  const before = await s.create('/f/before', enc('x'));
  // A deferred foreign key is checked at COMMIT: the one COMMIT failure a test can cause on
  // purpose. Disk full and I/O errors at COMMIT take the same path.
  const db = connectionOf(s);
  db.pragma('foreign_keys = ON');
  db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (pid INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
  const w = collect(s, '/f/', before.modRevision);
  const probe = turn();
  const writes = [
    s.create('/f/a', enc('a')),
    s.update('/f/before', enc('y'), before.modRevision),
    s.create('/f/before', enc('z')), // KeyExists: fails on its own, as always
  ];
  const settled = Promise.allSettled(writes);
  await probe;
  db.prepare('INSERT INTO child (pid) VALUES (42)').run(); // joins the open batch
  const results = await settled;
  assert.deepEqual(results.map(codeOf), ['SQLITE_CONSTRAINT_FOREIGNKEY', 'SQLITE_CONSTRAINT_FOREIGNKEY', 'KeyExists']);
  const [a, upd] = results as PromiseRejectedResult[];
  assert.equal(a.reason, upd.reason, 'every write of the batch fails with the COMMIT error itself');
  await rejectsWith(s.get('/f/before'), 'Closed');
  await rejectsWith(s.create('/f/later', enc('x')), 'Closed');
  const ended = await w.ended;
  assert.ok(isStoreError(ended, 'Closed'), `the watch ends with Closed, got ${String(ended)}`);
  assert.deepEqual(w.events.map(revOf), [], 'nothing of the batch was published');
  await s.close(); // closing again is harmless

  const again = await openSqliteStore(path, { compactIntervalMs: 0 });
  assert.equal(await again.currentRevision(), before.modRevision, 'nothing of the batch reached the file');
  assert.deepEqual((await again.list('/f/')).kvs.map(plain), [plain(before)]);
  await again.close();
  const raw = new Database(path, { readonly: true });
  assert.equal((raw.prepare('SELECT count(*) AS n FROM child').get() as { n: number }).n, 0);
  raw.close();
});

test('a SQLite error inside a batch (database full) is fatal as well', async () => {
  const path = fresh();
  const s = await openSqliteStore(path, { compactIntervalMs: 0 });
  const db = connectionOf(s);
  // No page beyond those the empty schema has: a small write still fits, a big value does not.
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  const probe = turn();
  const writes = [
    s.create('/d/small', enc('x')),
    s.create('/d/big', new Uint8Array(256 * 1024)),
    s.create('/d/after', enc('x')),
  ];
  const settled = Promise.allSettled(writes);
  await probe;
  const results = await settled;
  assert.deepEqual(results.map(codeOf), ['SQLITE_FULL', 'SQLITE_FULL', 'Closed'], 'the batch fails with the error; writes not yet run find the store closed');
  await rejectsWith(s.currentRevision(), 'Closed');

  const again = await openSqliteStore(path, { compactIntervalMs: 0 });
  assert.equal(await again.currentRevision(), 0);
  assert.equal(await again.count('/'), 0);
  await again.close();
});

async function waitUntil(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await turn();
  }
}
