// Conformance: list by prefix — byte order, exact prefixes, pagination.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../types.js';
import { byteSorted, enc, withStore, type StoreFactory } from './util.js';

const keysOf = async (s: Store, prefix: string, opts?: Parameters<Store['list']>[1]) =>
  (await s.list(prefix, opts)).kvs.map((kv) => kv.key);

/** Lists every page of `limit` keys and checks the `more` flags on the way. */
async function pages(s: Store, prefix: string, limit: number): Promise<string[][]> {
  const out: string[][] = [];
  let startAfter: string | undefined;
  for (;;) {
    const page = await s.list(prefix, { limit, startAfter });
    assert.ok(page.kvs.length <= limit);
    out.push(page.kvs.map((kv) => kv.key));
    if (!page.more) return out;
    assert.equal(page.kvs.length, limit, 'a page with more after it is full');
    startAfter = page.kvs[page.kvs.length - 1].key;
  }
}

export function listTests(factory: StoreFactory): void {
  test('list returns keys under the prefix in byte order with the current revision', withStore(factory, async (s) => {
    const keys = ['/l/b', '/l/a/2', '/l/a/10', '/l/A', '/l/a', '/l/', '/l/a/1'];
    for (const k of keys) await s.create(k, enc(k));
    for (const k of ['/l', '/la', '/k/z', '/m/a']) await s.create(k, enc(k));
    const res = await s.list('/l/');
    assert.deepEqual(res.kvs.map((kv) => kv.key), byteSorted(keys));
    assert.equal(res.revision, await s.currentRevision());
    assert.equal(res.more, false);
    for (const kv of res.kvs) assert.equal(new TextDecoder().decode(kv.value), kv.key);
    assert.deepEqual(await keysOf(s, '/l/a/'), ['/l/a/1', '/l/a/10', '/l/a/2']);
    assert.deepEqual(await keysOf(s, '/nothing/'), []);
  }));

  test('% and _ in prefixes are literal bytes, not wildcards', withStore(factory, async (s) => {
    for (const k of ['/w/a%b', '/w/axb', '/w/a_b', '/w/aXb', '/w/a\\b', '/w/a%%']) await s.create(k, enc('x'));
    assert.deepEqual(await keysOf(s, '/w/a%'), byteSorted(['/w/a%b', '/w/a%%']));
    assert.deepEqual(await keysOf(s, '/w/a_'), ['/w/a_b']);
    assert.deepEqual(await keysOf(s, '/w/a\\'), ['/w/a\\b']);
    assert.equal(await s.count('/w/a_'), 1);
    assert.equal(await s.count('/w/a%'), 2);
  }));

  test('the empty prefix lists everything', withStore(factory, async (s) => {
    const keys = ['/z', '/a/b', 'plain', '/a'];
    for (const k of keys) await s.create(k, enc('x'));
    assert.deepEqual(await keysOf(s, ''), byteSorted(keys));
  }));

  test('order and prefixes are by UTF-8 bytes, also beyond the BMP', withStore(factory, async (s) => {
    // UTF-16 order would put U+1F600 (a surrogate pair) before U+FFFF; UTF-8 order does not.
    const keys = ['/u/\u{1F600}', '/u/\uFFFF', '/u/é', '/u/a', '/u/\u{10FFFF}', '/u/\u{10FFFF}x'];
    for (const k of keys) await s.create(k, enc('x'));
    await s.create('/v', enc('x'));
    const expected = ['/u/a', '/u/é', '/u/\uFFFF', '/u/\u{1F600}', '/u/\u{10FFFF}', '/u/\u{10FFFF}x'];
    assert.deepEqual(byteSorted(keys), expected);
    assert.deepEqual(await keysOf(s, '/u/'), expected);
    assert.deepEqual((await pages(s, '/u/', 1)).flat(), expected, 'startAfter compares bytes too');
    assert.deepEqual(await keysOf(s, '/u/\u{10FFFF}'), ['/u/\u{10FFFF}', '/u/\u{10FFFF}x']);
    // In byte order this startAfter lies past the whole prefix (UTF-16 order says before it).
    assert.deepEqual(await keysOf(s, '/u/\uFFFF', { startAfter: '/u/\u{1F600}' }), []);
  }));

  test('pagination with limit and startAfter', withStore(factory, async (s) => {
    const keys = Array.from({ length: 25 }, (_, i) => `/p/k${String(i).padStart(2, '0')}`);
    for (const k of keys) await s.create(k, enc('x'));
    await s.create('/p0', enc('outside'));
    const got = await pages(s, '/p/', 10);
    assert.deepEqual(got.map((p) => p.length), [10, 10, 5]);
    assert.deepEqual(got.flat(), keys);
    // Exactly full last page: `more` must be false on it, not an extra empty page.
    assert.deepEqual((await pages(s, '/p/', 5)).map((p) => p.length), [5, 5, 5, 5, 5]);
    assert.deepEqual((await pages(s, '/p/', 100)).map((p) => p.length), [25]);
    const first = await s.list('/p/', { limit: 0 });
    assert.equal(first.kvs.length, 25, 'limit 0 means all');
    assert.equal(first.more, false);
  }));

  test('startAfter outside the prefix range', withStore(factory, async (s) => {
    for (const k of ['/s/a', '/s/b', '/s/c']) await s.create(k, enc('x'));
    assert.deepEqual(await keysOf(s, '/s/', { startAfter: '/a' }), ['/s/a', '/s/b', '/s/c'], 'before the prefix: from the start');
    assert.deepEqual(await keysOf(s, '/s/', { startAfter: '/s/' }), ['/s/a', '/s/b', '/s/c']);
    assert.deepEqual(await keysOf(s, '/s/', { startAfter: '/s/b' }), ['/s/c'], 'strictly after');
    assert.deepEqual(await keysOf(s, '/s/', { startAfter: '/s/bb' }), ['/s/c']);
    assert.deepEqual(await keysOf(s, '/s/', { startAfter: '/t' }), [], 'past the prefix: nothing');
    const last = await s.list('/s/', { startAfter: '/s/c', limit: 1 });
    assert.deepEqual([last.kvs.length, last.more], [0, false]);
  }));

  test('a key equal to the prefix is listed; its siblings are not', withStore(factory, async (s) => {
    for (const k of ['/e/', '/e/x', '/e', '/e0']) await s.create(k, enc('x'));
    assert.deepEqual(await keysOf(s, '/e/'), ['/e/', '/e/x']);
  }));
}
