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

test('a watcher catching up within the recent events gets the objects the live watchers got', async () => {
  const s = await openSqliteStore(':memory:', { watchQueueLimit: 8, compactIntervalMs: 0 });
  const live = new WatchReader(s, '/r/', 0);
  const slow = new WatchReader(s, '/r/', 0);
  await s.create('/r/first', enc('x'));
  await live.take(1);
  await slow.take(1);
  const revs: number[] = [];
  let kv = await s.create('/r/k', enc('0'));
  revs.push(kv.modRevision);
  for (let i = 1; i < 40; i++) {
    await s.create(`/other/${i}`, enc('noise'));
    kv = await s.update('/r/k', enc(String(i)), kv.modRevision);
    revs.push(kv.modRevision);
    await live.take(1); // keeps up; `slow` overflows its queue of 8 and catches up later
  }
  await s.delete('/r/k', kv.modRevision);
  const fast = [...live.events.slice(1), ...(await live.take(1))];
  const caughtUp = await slow.take(41);
  assert.deepEqual(caughtUp.map(revOf), [...revs, revs.at(-1)! + 1]);
  for (let i = 0; i < fast.length; i++) assert.equal(caughtUp[i], fast[i], `event ${i}: the same object, not a copy read from the log`);
  live.stop();
  slow.stop();
  await s.close();
});

test('history older than the recent events comes from the log, in order, without gaps', async () => {
  const s = await openSqliteStore(':memory:', { compactIntervalMs: 0, recentEvents: 16 });
  const revs: number[] = [];
  for (let i = 0; i < 100; i++) revs.push((await s.create(`/h/${i}`, enc(String(i)))).modRevision);
  for (const start of [0, 50, 84, 90, 99]) {
    const w = new WatchReader(s, '/h/', start);
    const evs = await w.take(100 - start);
    assert.deepEqual(evs.map(revOf), revs.slice(start));
    assert.deepEqual(evs.map((e) => e.type === 'put' && dec(e.kv.value)), revs.slice(start).map((_, i) => String(start + i)));
    await w.assertQuiet();
    w.stop();
  }
  // Bounded by bytes as well: values of 1 KiB, 4 KiB of room.
  const b = await openSqliteStore(':memory:', { compactIntervalMs: 0, recentEventBytes: 4096 });
  const big = new Uint8Array(1024);
  const brevs: number[] = [];
  for (let i = 0; i < 20; i++) brevs.push((await b.create(`/b/${i}`, big)).modRevision);
  const w = new WatchReader(b, '/b/', 0);
  assert.deepEqual((await w.take(20)).map(revOf), brevs);
  w.stop();
  await b.close();
  await s.close();
});

test('a live watcher keeps up with many writers in flight (writers give way to its backlog)', async () => {
  const s = await openSqliteStore(':memory:', { compactIntervalMs: 0 });
  const ac = new AbortController();
  let seen = 0;
  const consumer = (async () => {
    for await (const _ev of s.watch('/many/', 0, ac.signal)) {
      // A consumer several promise hops deep, as an informer behind the API layers is.
      for (let i = 0; i < 10; i++) await Promise.resolve();
      seen++;
    }
  })();
  await s.create('/many/first', enc('x'));
  while (s.liveWatches === 0) await new Promise((r) => setImmediate(r));
  let dropped = 0;
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    for (let i = next++; i < 3000; i = next++) {
      await s.create(`/many/${i}`, enc(String(i)));
      if (s.liveWatches === 0) dropped++;
    }
  }));
  while (seen < 3001) await new Promise((r) => setImmediate(r));
  assert.equal(dropped, 0, 'the watch never overflowed its queue and left the writer');
  ac.abort();
  await consumer;
  await s.close();
});
