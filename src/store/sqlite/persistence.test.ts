// SQLite specifics: revisions from 0, reopening a file, exclusive ownership, the on-disk shape.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { enc, dec } from '../conformance/util.js';
import { openSqliteStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-store-persist-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** Runs a one-number query on a closed store's file with a plain connection. */
function countRows(path: string, sql: string): number {
  const raw = new Database(path);
  try { return (raw.prepare(sql).get() as { n: number }).n; } finally { raw.close(); }
}
const fresh = () => join(dir, `db${n++}`, 'nested', 'store.db');

test('a new store is at revision 0 and its first write is 1', async () => {
  const s = await openSqliteStore(':memory:');
  assert.equal(await s.currentRevision(), 0);
  assert.equal(await s.compactedRevision(), 0);
  assert.equal((await s.create('/a', enc('x'))).modRevision, 1);
  assert.equal((await s.create('/b', enc('x'))).modRevision, 2);
  await s.close();
});

test('reopening a file keeps values, revisions and the compaction mark', async () => {
  const path = fresh();
  let s = await openSqliteStore(path, { compactIntervalMs: 0 });
  const a = await s.create('/r/a', enc('a1'));
  await s.update('/r/a', enc('a2'), a.modRevision);
  await s.create('/r/b', enc('b1'));
  await s.delete('/r/b');
  await s.compact(3);
  await s.close();

  s = await openSqliteStore(path, { compactIntervalMs: 0 });
  assert.equal(await s.currentRevision(), 4);
  assert.equal(await s.compactedRevision(), 3);
  assert.deepEqual((await s.list('/r/')).kvs.map((kv) => [kv.key, dec(kv.value), kv.createRevision, kv.modRevision]), [['/r/a', 'a2', 1, 2]]);
  await assert.rejects(s.list('/r/', { revision: 2 }), { code: 'Compacted' });
  assert.equal((await s.create('/r/c', enc('c'))).modRevision, 5, 'the counter continues');
  await s.close();
});

test('the revision survives compacting away every log row', async () => {
  const path = fresh();
  let s = await openSqliteStore(path, { compactIntervalMs: 0 });
  await s.create('/x', enc('x'));
  await s.delete('/x');
  await s.compact(2); // drops the tombstone and the version it superseded: the log is empty
  await s.close();
  assert.equal(countRows(path, 'SELECT count(*) AS n FROM log'), 0);
  s = await openSqliteStore(path, { compactIntervalMs: 0 });
  assert.equal(await s.currentRevision(), 2);
  assert.equal((await s.create('/y', enc('y'))).modRevision, 3);
  await s.close();
});

test('a second store on the same file is refused while the first is open', async () => {
  const path = fresh();
  const s = await openSqliteStore(path);
  await assert.rejects(openSqliteStore(path), /in use by another process/);
  await s.close();
  const again = await openSqliteStore(path);
  await again.close();
});

test('kv holds only current rows; log holds history until compacted', async () => {
  const path = fresh();
  const s = await openSqliteStore(path, { compactIntervalMs: 0, compactBatch: 7 });
  let kv = await s.create('/h/a', enc('0'));
  for (let i = 1; i <= 100; i++) kv = await s.update('/h/a', enc(String(i)), kv.modRevision);
  await s.create('/h/gone', enc('x'));
  await s.delete('/h/gone');
  await s.close();
  const count = (sql: string) => countRows(path, sql);
  assert.equal(count('SELECT count(*) AS n FROM kv'), 1);
  assert.equal(count('SELECT count(*) AS n FROM log'), 103);

  const t = await openSqliteStore(path, { compactIntervalMs: 0, compactBatch: 7 });
  await t.compact(103);
  assert.equal(dec((await t.get('/h/a'))!.value), '100');
  await t.close();
  assert.equal(count('SELECT count(*) AS n FROM log'), 1, 'only the latest version of /h/a remains');
  assert.equal(count("SELECT value AS n FROM meta WHERE name = 'compact_done'"), 103);
});

test('an interrupted compaction resumes when the store is opened', async () => {
  const path = fresh();
  const s = await openSqliteStore(path, { compactIntervalMs: 0 });
  let kv = await s.create('/i/a', enc('0'));
  for (let i = 1; i < 50; i++) kv = await s.update('/i/a', enc(String(i)), kv.modRevision);
  await s.close();
  // What a crash between "mark compacted" and "clean up" leaves behind.
  const raw = new Database(path);
  raw.prepare("INSERT INTO meta (name, value) VALUES ('compacted', 40), ('compact_done', 0)").run();
  raw.close();

  const t = await openSqliteStore(path, { compactIntervalMs: 0, compactBatch: 5 });
  assert.equal(await t.compactedRevision(), 40);
  await t.compact(40); // waits for the resumed cleanup
  const evs = [];
  const ac = new AbortController();
  for await (const e of t.watch('/i/', 40, ac.signal)) {
    evs.push(e);
    if (evs.length === 10) break;
  }
  assert.equal(evs[0].type === 'put' && dec(evs[0].prev!.value), '39', 'the version at C is kept');
  await t.close();
  assert.equal(countRows(path, 'SELECT count(*) AS n FROM log'), 11);
});
