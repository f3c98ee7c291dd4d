// Conformance: single-key operations, CAS and revisions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dec, enc, plain, rejectsWith, withStore, type StoreFactory } from './util.js';

export function kvTests(factory: StoreFactory): void {
  test('create then get returns the bytes and revisions', withStore(factory, async (s) => {
    const before = await s.currentRevision();
    const kv = await s.create('/kv/a', enc('one'));
    assert.ok(kv.modRevision > before);
    assert.equal(kv.createRevision, kv.modRevision);
    assert.equal(await s.currentRevision(), kv.modRevision);
    assert.deepEqual(plain(await s.get('/kv/a')), { key: '/kv/a', value: 'one', createRevision: kv.modRevision, modRevision: kv.modRevision });
    assert.equal(await s.get('/kv/missing'), undefined);
  }));

  test('create on an existing key fails with KeyExists and changes nothing', withStore(factory, async (s) => {
    const kv = await s.create('/kv/a', enc('one'));
    await rejectsWith(s.create('/kv/a', enc('two')), 'KeyExists');
    assert.equal(await s.currentRevision(), kv.modRevision);
    assert.equal(dec((await s.get('/kv/a'))!.value), 'one');
  }));

  test('update is compare-and-swap on modRevision', withStore(factory, async (s) => {
    const a = await s.create('/kv/a', enc('v1'));
    const b = await s.update('/kv/a', enc('v2'), a.modRevision);
    assert.ok(b.modRevision > a.modRevision);
    assert.equal(b.createRevision, a.createRevision);
    await rejectsWith(s.update('/kv/a', enc('stale'), a.modRevision), 'Conflict');
    await rejectsWith(s.update('/kv/none', enc('x'), 1), 'NotFound');
    assert.equal(await s.currentRevision(), b.modRevision, 'failed writes do not use a revision');
    assert.deepEqual(plain(await s.get('/kv/a')), { key: '/kv/a', value: 'v2', createRevision: a.modRevision, modRevision: b.modRevision });
  }));

  test('delete is compare-and-swap when given a revision and returns the removed value', withStore(factory, async (s) => {
    const a = await s.create('/kv/a', enc('v1'));
    const b = await s.update('/kv/a', enc('v2'), a.modRevision);
    await rejectsWith(s.delete('/kv/a', a.modRevision), 'Conflict');
    assert.equal(dec((await s.get('/kv/a'))!.value), 'v2');
    const removed = await s.delete('/kv/a', b.modRevision);
    assert.deepEqual(plain(removed), plain(b));
    assert.equal(await s.get('/kv/a'), undefined);
    assert.ok((await s.currentRevision()) > b.modRevision, 'a delete is a write with its own revision');
    await rejectsWith(s.delete('/kv/a'), 'NotFound');
    await rejectsWith(s.delete('/kv/a', b.modRevision), 'NotFound');
  }));

  test('delete without a revision is unconditional; re-create starts a new life', withStore(factory, async (s) => {
    const a = await s.create('/kv/a', enc('v1'));
    await s.update('/kv/a', enc('v2'), a.modRevision);
    await s.delete('/kv/a');
    const again = await s.create('/kv/a', enc('v3'));
    assert.equal(again.createRevision, again.modRevision);
    assert.ok(again.createRevision > a.createRevision);
  }));

  test('revisions strictly increase across every kind of write', withStore(factory, async (s) => {
    const seen: number[] = [await s.currentRevision()];
    let kv = await s.create('/kv/r', enc('0'));
    seen.push(kv.modRevision);
    for (let i = 1; i <= 5; i++) {
      kv = await s.update('/kv/r', enc(String(i)), kv.modRevision);
      seen.push(kv.modRevision);
      seen.push((await s.create(`/kv/other${i}`, enc('x'))).modRevision);
    }
    await s.delete('/kv/r');
    seen.push(await s.currentRevision());
    seen.push((await s.create('/kv/r', enc('again'))).modRevision);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `revision ${seen[i]} after ${seen[i - 1]}`);
  }));

  test('values are opaque bytes: binary, empty, and copied on write', withStore(factory, async (s) => {
    const bin = new Uint8Array([0, 255, 1, 0, 128, 10]);
    await s.create('/kv/bin', bin);
    assert.deepEqual([...(await s.get('/kv/bin'))!.value], [0, 255, 1, 0, 128, 10]);
    await s.create('/kv/empty', new Uint8Array(0));
    assert.equal((await s.get('/kv/empty'))!.value.length, 0);
    const buf = enc('original');
    const kv = await s.create('/kv/copied', buf);
    buf.fill(0);
    assert.equal(dec(kv.value), 'original');
    assert.equal(dec((await s.get('/kv/copied'))!.value), 'original');
  }));

  test('count counts live keys under a prefix', withStore(factory, async (s) => {
    for (const k of ['/c/a/1', '/c/a/2', '/c/ab/1', '/c/b/1']) await s.create(k, enc('x'));
    await s.delete('/c/a/2');
    assert.equal(await s.count('/c/a/'), 1);
    assert.equal(await s.count('/c/'), 3);
    assert.equal(await s.count('/c/a'), 2, 'a byte prefix: /c/a matches /c/ab/1 too');
    assert.equal(await s.count('/nothing/'), 0);
  }));

  test('size reports a positive number of bytes', withStore(factory, async (s) => {
    await s.create('/size/a', new Uint8Array(10_000));
    assert.ok((await s.size()) > 0);
  }));

  test('close makes every call fail with Closed and is idempotent', async () => {
    const s = await factory();
    await s.create('/close/a', enc('x'));
    await s.close();
    await rejectsWith(s.get('/close/a'), 'Closed');
    await rejectsWith(s.list('/'), 'Closed');
    await rejectsWith(s.create('/close/b', enc('x')), 'Closed');
    await rejectsWith(s.currentRevision(), 'Closed');
    await s.close();
  });
}
