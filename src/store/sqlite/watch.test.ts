// SQLite specifics: the slow-watcher policy (bounded live queue, fall back to the log) and
// catch-up across many batches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dec, enc, revOf, WatchReader } from '../conformance/util.js';
import { openSqliteStore } from './store.js';

test('a watcher that stops reading is not buffered without bound, and still loses nothing', async () => {
  const s = await openSqliteStore(':memory:', { watchQueueLimit: 8, compactIntervalMs: 0 });
  const w = new WatchReader(s, '/q/', 0);
  await s.create('/q/first', enc('x'));
  await w.take(1); // now live
  assert.equal(s.liveWatches, 1);
  for (let i = 0; i < 5; i++) await s.create(`/q/live${i}`, enc('x'));
  assert.equal((await w.take(5)).length, 5, 'delivered live, before the overflow');
  const revs: number[] = [];
  for (let i = 0; i < 100; i++) revs.push((await s.create(`/q/${i}`, enc(String(i)))).modRevision);
  assert.equal(s.liveWatches, 0, 'the overflowing watch left the writer');
  const evs = await w.take(100);
  assert.deepEqual(evs.map(revOf), revs);
  assert.deepEqual(evs.map((e) => e.type === 'put' && dec(e.kv.value)), revs.map((_, i) => String(i)));
  assert.equal(s.liveWatches, 1, 'caught up from the log, live again');
  const more = await s.create('/q/after', enc('x'));
  assert.equal(revOf((await w.take(1))[0]), more.modRevision);
  await w.assertQuiet();
  w.stop();
  assert.equal(s.liveWatches, 0);
  await s.close();
});

test('a slow watcher whose position was compacted ends with Compacted, after what it had', async () => {
  const s = await openSqliteStore(':memory:', { watchQueueLimit: 8, compactIntervalMs: 0 });
  const w = new WatchReader(s, '/q/', 0);
  const first = await s.create('/q/a', enc('x'));
  assert.equal(revOf((await w.take(1))[0]), first.modRevision);
  for (let i = 0; i < 50; i++) await s.create(`/q/${i}`, enc(String(i)));
  await s.compact(await s.currentRevision());
  await assert.rejects(w.next(), { code: 'Compacted', compactedRevision: 51 });
  assert.equal(await w.next(), 'done', 'the watch is over');
  assert.equal(w.events.length, 1, 'nothing duplicated or invented');
  await s.close();
});

test('catch-up reads many batches, skipping other prefixes, then goes live', async () => {
  const s = await openSqliteStore(':memory:', { watchQueueLimit: 16, compactIntervalMs: 0 });
  const mine: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const kv = await s.create(`/${i % 50 === 0 ? 'mine' : 'other'}/${i}`, enc('x'));
    if (i % 50 === 0) mine.push(kv.modRevision);
  }
  const w = new WatchReader(s, '/mine/', 0);
  assert.deepEqual((await w.take(mine.length)).map(revOf), mine);
  const live = await s.create('/mine/live', enc('x'));
  assert.equal(revOf((await w.take(1))[0]), live.modRevision);
  w.stop();
  await s.close();
});

test('many watchers on one prefix all get the same stream', async () => {
  const s = await openSqliteStore(':memory:', { compactIntervalMs: 0 });
  const ws = Array.from({ length: 20 }, () => new WatchReader(s, '/m/', 0));
  let kv = await s.create('/m/k', enc('0'));
  for (let i = 1; i < 30; i++) kv = await s.update('/m/k', enc(String(i)), kv.modRevision);
  await s.delete('/m/k');
  const streams = await Promise.all(ws.map((w) => w.take(31)));
  for (const evs of streams) assert.deepEqual(evs, streams[0]);
  assert.equal(streams[0][30].type, 'delete');
  for (const w of ws) w.stop();
  await s.close();
});

test('invalid revisions are refused instead of watching forever', async () => {
  const s = await openSqliteStore(':memory:', { compactIntervalMs: 0 });
  for (const bad of [Number.NaN, -1, 1.5]) {
    const it = s.watch('/', bad, new AbortController().signal)[Symbol.asyncIterator]();
    await assert.rejects(it.next(), RangeError);
    await assert.rejects(s.list('/', { revision: bad }), RangeError);
    await assert.rejects(s.compact(bad), RangeError);
  }
  await s.close();
});
