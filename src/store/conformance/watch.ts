// Conformance: watch — live events, catch-up then live, ordering under interleaved writers,
// abort and close.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { KeyValue, Store, StoreEvent } from '../types.js';
import { byteSorted, dec, enc, keyOf, plain, rejectsWith, revOf, withStore, WatchReader, type StoreFactory } from './util.js';

const describeEvent = (e: StoreEvent) =>
  e.type === 'put'
    ? { type: 'put', key: e.kv.key, value: dec(e.kv.value), rev: e.kv.modRevision, prev: e.prev && dec(e.prev.value) }
    : { type: 'delete', key: e.key, rev: e.revision, prev: dec(e.prev.value) };

/** One writer: creates, updates and deletes its own keys, yielding between operations. */
async function writer(s: Store, id: number, ops: number, puts: number[]): Promise<number> {
  let mine = 0;
  const live = new Map<string, number>();
  for (let i = 0; i < ops; i++) {
    const key = `/cw/w${id}/k${i % 4}`;
    const cur = live.get(key);
    if (cur === undefined) {
      puts.push((await s.create(key, enc(`${id}.${i}`))).modRevision);
      live.set(key, puts.at(-1)!);
    } else if (i % 3 === 0) {
      await s.delete(key, cur);
      live.delete(key);
    } else {
      puts.push((await s.update(key, enc(`${id}.${i}`), cur)).modRevision);
      live.set(key, puts.at(-1)!);
    }
    mine++;
    if (i % 5 === id % 5) await s.create(`/cwx/w${id}/${i}`, enc('noise')); // outside the prefix
    if (i % 2 === 0) await yieldToLoop();
  }
  return mine;
}

/** Replays events onto a map, checking each event's prev against what the map held. */
function replay(events: readonly StoreEvent[], start = new Map<string, KeyValue>()): Map<string, KeyValue> {
  const state = new Map(start);
  for (const e of events) {
    const before = state.get(keyOf(e));
    assert.deepEqual(plain(e.prev), plain(before), `prev of ${JSON.stringify(describeEvent(e))}`);
    if (e.type === 'put') state.set(e.kv.key, e.kv);
    else state.delete(e.key);
  }
  return state;
}

export function watchTests(factory: StoreFactory): void {
  test('live events: create, update and delete with prev', withStore(factory, async (s) => {
    const w = new WatchReader(s, '/wl/', await s.currentRevision());
    const a = await s.create('/wl/a', enc('1'));
    await s.create('/wlx', enc('not under /wl/'));
    const b = await s.update('/wl/a', enc('2'), a.modRevision);
    await s.delete('/wl/a');
    const evs = await w.take(3);
    assert.deepEqual(evs.map(describeEvent), [
      { type: 'put', key: '/wl/a', value: '1', rev: a.modRevision, prev: undefined },
      { type: 'put', key: '/wl/a', value: '2', rev: b.modRevision, prev: '1' },
      { type: 'delete', key: '/wl/a', rev: await s.currentRevision(), prev: '2' },
    ]);
    const del = evs[2];
    assert.ok(del.type === 'delete');
    assert.deepEqual(plain(del.prev), plain(b));
    await w.assertQuiet();
    w.stop();
  }));

  test('an empty value is a value: its delete still carries prev, live and from history', withStore(factory, async (s) => {
    const start = await s.currentRevision();
    const live = new WatchReader(s, '/we/', start);
    const pending = live.take(2);
    const kv = await s.create('/we/empty', new Uint8Array(0));
    await s.delete('/we/empty');
    for (const evs of [await pending, await new WatchReader(s, '/we/', start).take(2)]) {
      const del = evs[1];
      assert.ok(del.type === 'delete' && del.prev, 'delete has prev');
      assert.deepEqual([del.prev.value.length, del.prev.modRevision], [0, kv.modRevision]);
    }
    live.stop();
  }));

  test('watch from a past revision catches up from history, then goes live', withStore(factory, async (s) => {
    const revs: number[] = [];
    for (let i = 0; i < 5; i++) revs.push((await s.create(`/wc/${i}`, enc(String(i)))).modRevision);
    const w = new WatchReader(s, '/wc/', revs[1]);
    assert.deepEqual((await w.take(3)).map(revOf), revs.slice(2));
    const late = await s.create('/wc/late', enc('late'));
    const ev = await w.next();
    assert.ok(ev !== 'done' && ev.type === 'put');
    assert.deepEqual(plain(ev.kv), plain(late));
    await w.assertQuiet();
    w.stop();
  }));

  test('watch with the prefix filters exactly (no wildcards)', withStore(factory, async (s) => {
    const w = new WatchReader(s, '/wp/a_', 0);
    for (const k of ['/wp/abc', '/wp/a_c', '/wp/a%c', '/wp/a_']) await s.create(k, enc('x'));
    assert.deepEqual((await w.take(2)).map(keyOf), ['/wp/a_c', '/wp/a_']);
    await w.assertQuiet();
    w.stop();
  }));

  test('interleaved writers: every event once, in revision order, consistent prevs', withStore(factory, async (s) => {
    const base = await s.currentRevision();
    const early = new WatchReader(s, '/cw/', base);
    const earlyEvents = early.until('/cw/zz-end', 5000); // reads while the writers write
    const puts: number[] = [];
    let mid: WatchReader | undefined;
    let midRev = 0;
    const writers = Array.from({ length: 8 }, (_, id) => writer(s, id, 60, puts));
    // A second watch joins while the writers run, from a revision already in the past.
    const midEvents = (async () => {
      while (puts.length < 150) await yieldToLoop();
      midRev = await s.currentRevision();
      while (puts.length < 200) await yieldToLoop();
      mid = new WatchReader(s, '/cw/', midRev);
      return mid.until('/cw/zz-end', 5000);
    })();
    const total = (await Promise.all(writers)).reduce((a, b) => a + b, 0);
    await s.create('/cw/zz-end', enc('end'));

    const all = await earlyEvents;
    assert.equal(all.length, total + 1, 'one event per write, none lost, none twice');
    for (let i = 1; i < all.length; i++) assert.ok(revOf(all[i]) > revOf(all[i - 1]), 'revision order');
    const putRevs = all.filter((e) => e.type === 'put').map(revOf);
    assert.deepEqual(putRevs.slice(0, -1), [...puts].sort((a, b) => a - b));
    const final = replay(all);
    const listed = (await s.list('/cw/')).kvs;
    const finalKeys = byteSorted([...final.keys()]);
    assert.deepEqual(finalKeys.map((k) => plain(final.get(k))), listed.map(plain));

    const fromMid = await midEvents;
    assert.deepEqual(fromMid.map(describeEvent), all.filter((e) => revOf(e) > midRev).map(describeEvent));
    await early.assertQuiet();
    early.stop();
    mid!.stop();
  }));

  test('a watch from a future revision starts once the store passes it', withStore(factory, async (s) => {
    const cur = await s.currentRevision();
    const w = new WatchReader(s, '/wf/', cur + 2);
    const first = w.take(1); // reading before the writes: they arrive live
    await s.create('/wf/1', enc('x'));
    await s.create('/wf/2', enc('x'));
    const third = await s.create('/wf/3', enc('x'));
    assert.deepEqual((await first).map(revOf), [third.modRevision]);
    w.stop();
  }));

  test('abort ends the iterator, also while it waits', withStore(factory, async (s) => {
    const ac = new AbortController();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const e of s.watch('/wa/', 0, ac.signal)) seen.push(revOf(e));
      return 'ended';
    })();
    const a = await s.create('/wa/1', enc('x'));
    while (seen.length < 1) await yieldToLoop();
    ac.abort();
    assert.equal(await loop, 'ended');
    await s.create('/wa/2', enc('x'));
    assert.deepEqual(seen, [a.modRevision]);

    const pre = new AbortController();
    pre.abort();
    const it = s.watch('/wa/', 0, pre.signal)[Symbol.asyncIterator]();
    assert.deepEqual(await it.next(), { done: true, value: undefined }, 'an aborted signal yields nothing');
  }));

  test('breaking out of for-await releases the watch; writes go on', withStore(factory, async (s) => {
    const ac = new AbortController();
    await s.create('/wb/1', enc('x'));
    for await (const e of s.watch('/wb/', 0, ac.signal)) {
      assert.equal(keyOf(e), '/wb/1');
      break;
    }
    for (let i = 2; i < 50; i++) await s.create(`/wb/${i}`, enc('x'));
    const w = new WatchReader(s, '/wb/', 0);
    assert.equal((await w.take(49)).length, 49);
    w.stop();
  }));

  test('closing the store ends open watches with Closed', async () => {
    const s = await factory();
    const w = new WatchReader(s, '/wz/', 0);
    await s.create('/wz/1', enc('x'));
    await w.take(1);
    const pending = w.next();
    await s.close();
    await rejectsWith(pending, 'Closed');
  });
}
