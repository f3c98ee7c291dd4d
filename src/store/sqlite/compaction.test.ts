// SQLite specifics: automatic compaction by revision count and by age, in batches that let
// writes through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import { dec, enc } from '../conformance/util.js';
import type { KeyValue, Store } from '../types.js';
import { RetentionPolicy } from './compactor.js';
import { openSqliteStore } from './store.js';

async function churn(s: Store, key: string, n: number): Promise<KeyValue> {
  let kv = (await s.get(key)) ?? (await s.create(key, enc('0')));
  for (let i = 1; i < n; i++) kv = await s.update(key, enc(String(i)), kv.modRevision);
  return kv;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

test('automatic compaction keeps the last retainRevisions revisions', async () => {
  const s = await openSqliteStore(':memory:', { retainRevisions: 10, retainMs: 0, compactIntervalMs: 10 });
  await churn(s, '/a', 100);
  await waitFor('compaction to 90', async () => (await s.compactedRevision()) === 90);
  await assert.rejects(s.list('/', { revision: 89 }), { code: 'Compacted' });
  assert.equal(dec((await s.list('/', { revision: 90 })).kvs[0].value), '89');
  await sleep(40);
  assert.equal(await s.compactedRevision(), 90, 'no new writes, no further compaction');
  await s.close();
});

test('automatic compaction keeps history younger than retainMs', async () => {
  const s = await openSqliteStore(':memory:', { retainRevisions: 5, retainMs: 1000, compactIntervalMs: 20 });
  const started = Date.now();
  await churn(s, '/a', 50);
  await sleep(150);
  if (Date.now() - started < 900) assert.equal(await s.compactedRevision(), 0, 'young history is kept despite the count');
  await waitFor('the time window to pass', async () => (await s.compactedRevision()) > 0);
  assert.ok(Date.now() - started >= 1000, 'not before retainMs');
  await waitFor('compaction to 45', async () => (await s.compactedRevision()) === 45, 3000);
  await s.close();
});

test('the retention policy takes the larger window', () => {
  const p = new RetentionPolicy(100, 60_000);
  assert.equal(p.target(0, 1000), 0, 'nothing is old enough yet');
  assert.equal(p.target(30_000, 2000), 0);
  assert.equal(p.target(60_000, 3000), 1000, 'the revision that was current a minute ago');
  assert.equal(p.target(90_000, 3050), 2000);
  assert.equal(p.target(95_000, 2080), 1980, 'the count window keeps more here');
  assert.equal(new RetentionPolicy(100, 0).target(0, 1000), 900);
  assert.equal(new RetentionPolicy(0, 0).target(0, 1000), 1000);
});

test('compaction runs in batches and writes get through while it runs', async () => {
  const s = await openSqliteStore(':memory:', { compactIntervalMs: 0, compactBatch: 10 });
  await churn(s, '/big', 3000);
  let compacted = false;
  const done = s.compact(2900).then(() => { compacted = true; });
  await assert.rejects(s.list('/', { revision: 2899 }), { code: 'Compacted' }, 'readers are refused at once');
  let writesDoneFirst = 0;
  for (let i = 0; i < 20; i++) {
    await yieldToLoop(); // the next request arriving from the event loop
    await s.create(`/w/${i}`, enc('x'));
    if (!compacted) writesDoneFirst++;
  }
  assert.equal(writesDoneFirst, 20, 'all writes ran between compaction batches');
  await done;
  assert.equal(dec((await s.list('/big', { revision: 2900 })).kvs[0].value), '2899');
  assert.equal(dec((await s.get('/big'))!.value), '2999');
  await s.close();
});

test('close stops a running compaction', async () => {
  const s = await openSqliteStore(':memory:', { compactIntervalMs: 0, compactBatch: 1 });
  await churn(s, '/a', 500);
  const p = s.compact(499);
  await s.close();
  await p; // resolves: the loop sees the store closed
});
