// Conformance: list at a past revision, compaction and the Compacted / FutureRevision errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../types.js';
import { dec, enc, rejectsWith, revOf, withStore, WatchReader, type StoreFactory } from './util.js';

/** key=value@modRevision for every key under the prefix at a revision. */
const snapshot = async (s: Store, prefix: string, revision?: number): Promise<string[]> =>
  (await s.list(prefix, { revision })).kvs.map((kv) => `${kv.key}=${dec(kv.value)}@${kv.modRevision}`);

/** a1 b1 a2 -b c1 | a3 : a known history; returns the revision of each step. */
async function history(s: Store) {
  const a1 = await s.create('/h/a', enc('a1'));
  const b1 = await s.create('/h/b', enc('b1'));
  const a2 = await s.update('/h/a', enc('a2'), a1.modRevision);
  await s.delete('/h/b');
  const delB = await s.currentRevision();
  const c1 = await s.create('/h/c', enc('c1'));
  await s.create('/other/x', enc('x'));
  return { a1: a1.modRevision, b1: b1.modRevision, a2: a2.modRevision, delB, c1: c1.modRevision };
}

export function historyTests(factory: StoreFactory): void {
  test('list at a past revision returns the state as of that revision', withStore(factory, async (s) => {
    const r = await history(s);
    assert.deepEqual(await snapshot(s, '/h/', r.a1), [`/h/a=a1@${r.a1}`]);
    assert.deepEqual(await snapshot(s, '/h/', r.b1), [`/h/a=a1@${r.a1}`, `/h/b=b1@${r.b1}`]);
    assert.deepEqual(await snapshot(s, '/h/', r.a2), [`/h/a=a2@${r.a2}`, `/h/b=b1@${r.b1}`]);
    assert.deepEqual(await snapshot(s, '/h/', r.delB), [`/h/a=a2@${r.a2}`]);
    assert.deepEqual(await snapshot(s, '/h/', r.c1), [`/h/a=a2@${r.a2}`, `/h/c=c1@${r.c1}`]);
    assert.equal((await s.list('/h/', { revision: r.b1 })).revision, r.b1);
    const at = await s.list('/h/', { revision: r.a2 });
    assert.equal(at.kvs[0].createRevision, r.a1, 'createRevision survives updates in history');
  }));

  test('list at a past revision paginates', withStore(factory, async (s) => {
    const keys = ['/hp/a', '/hp/b', '/hp/c', '/hp/d', '/hp/e'];
    for (const k of keys) await s.create(k, enc('v1'));
    const at = await s.currentRevision();
    await s.delete('/hp/b');
    await s.create('/hp/bb', enc('new'));
    await s.create('/hp/b', enc('reborn'));
    await s.delete('/hp/e');
    await s.update('/hp/d', enc('v2'), (await s.get('/hp/d'))!.modRevision);
    const seen: string[] = [];
    let startAfter: string | undefined;
    for (let more = true; more;) {
      const page = await s.list('/hp/', { revision: at, limit: 2, startAfter });
      assert.equal(page.revision, at);
      for (const kv of page.kvs) seen.push(`${kv.key}=${dec(kv.value)}`);
      more = page.more;
      startAfter = page.kvs.at(-1)?.key;
    }
    assert.deepEqual(seen, keys.map((k) => `${k}=v1`));
  }));

  test('a revision above the current one fails with FutureRevision', withStore(factory, async (s) => {
    await s.create('/f/a', enc('x'));
    const cur = await s.currentRevision();
    await rejectsWith(s.list('/f/', { revision: cur + 1 }), 'FutureRevision');
    await rejectsWith(s.compact(cur + 1), 'FutureRevision');
    assert.deepEqual(await snapshot(s, '/f/', cur), await snapshot(s, '/f/'));
  }));

  test('compaction keeps every revision >= C readable and refuses older ones', withStore(factory, async (s) => {
    const r = await history(s);
    const a3 = await s.update('/h/a', enc('a3'), r.a2);
    await s.compact(r.delB);
    assert.equal(await s.compactedRevision(), r.delB);
    await rejectsWith(s.list('/h/', { revision: r.delB - 1 }), 'Compacted');
    await rejectsWith(s.list('/h/', { revision: r.a1 }), 'Compacted');
    // At C: /h/a's latest version <= C is a2 (older a1 dropped); /h/b's tombstone hides it.
    assert.deepEqual(await snapshot(s, '/h/', r.delB), [`/h/a=a2@${r.a2}`]);
    assert.deepEqual(await snapshot(s, '/h/', r.c1), [`/h/a=a2@${r.a2}`, `/h/c=c1@${r.c1}`]);
    assert.deepEqual(await snapshot(s, '/h/'), [`/h/a=a3@${a3.modRevision}`, `/h/c=c1@${r.c1}`]);
    // Lower or equal compactions are no-ops, not errors.
    await s.compact(r.a1);
    await s.compact(r.delB);
    assert.equal(await s.compactedRevision(), r.delB);
  }));

  test('compacting at the current revision keeps every current value', withStore(factory, async (s) => {
    const r = await history(s);
    const before = await snapshot(s, '');
    const cur = await s.currentRevision();
    await s.compact(cur);
    assert.deepEqual(await snapshot(s, ''), before);
    assert.deepEqual(await snapshot(s, '', cur), before);
    assert.equal(dec((await s.get('/h/a'))!.value), 'a2');
    await rejectsWith(s.list('', { revision: r.c1 }), 'Compacted');
    // Writes continue with higher revisions; CAS still sees the right modRevisions.
    const next = await s.update('/h/a', enc('a3'), r.a2);
    assert.ok(next.modRevision > cur);
  }));

  test('watch from below the compacted revision fails before yielding; from C it replays with prev', withStore(factory, async (s) => {
    const r = await history(s);
    await s.compact(r.b1);
    const old = new WatchReader(s, '/h/', r.b1 - 1);
    await assert.rejects(old.next(), (e: Error & { code?: string }) => e.code === 'Compacted');
    assert.equal(old.events.length, 0);

    const w = new WatchReader(s, '/h/', r.b1);
    const evs = await w.take(3);
    w.stop();
    assert.deepEqual(evs.map(revOf), [r.a2, r.delB, r.c1]);
    const [put, del] = evs;
    assert.ok(put.type === 'put' && put.prev, 'the put carries its prev');
    assert.equal(dec(put.prev.value), 'a1', 'prev at or below C is kept: it is the latest version <= C');
    assert.ok(del.type === 'delete');
    assert.equal(dec(del.prev.value), 'b1');
    assert.equal(del.prev.modRevision, r.b1);
  }));
}
