import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigMaps, Namespaces, type KubeObject } from '../core/index.js';
import { createInformer, type Informer } from './informer.js';
import { InformerSet } from './informer-set.js';
import type { Change, LabelMatcher } from './cache-store.js';
import { FakeApiClient, networkError } from './testing/fake-client.js';
import { waitFor } from './testing/wait.js';
import { silentLogger } from './log.js';

const OPTS = { backoff: { initialMs: 1, maxMs: 5, jitter: 0 }, logger: silentLogger };

const cm = (name: string, labels: Record<string, string> = {}, namespace = 'default'): KubeObject =>
  ({ metadata: { name, namespace, labels } });

/** Equality selector, like core's Selector for `k=v` (tests may only use core's public surface). */
const sel = (k: string, v: string): LabelMatcher => ({ matches: (l) => l?.[k] === v });

const names = (os: readonly KubeObject[]) => os.map((o) => o.metadata?.name).sort();
const show = (c: Change<KubeObject>) =>
  c.old && c.new ? `update:${c.new.metadata?.name}` : c.new ? `add:${c.new.metadata?.name}` : `delete:${c.old?.metadata?.name}`;

async function running(client: FakeApiClient): Promise<{ inf: Informer<KubeObject>; ac: AbortController; run: Promise<void> }> {
  const inf = createInformer<KubeObject>(client, ConfigMaps, OPTS);
  const ac = new AbortController();
  const run = inf.run(ac.signal);
  assert.equal(await inf.waitForSync(ac.signal), true);
  await waitFor(() => client.openWatches() === 1, 'watch open');
  return { inf, ac, run };
}

test('lister: get by key, list by namespace and label selector', async () => {
  const client = new FakeApiClient();
  await client.create(ConfigMaps, cm('a', { app: 'web' }));
  await client.create(ConfigMaps, cm('b', { app: 'db' }));
  await client.create(ConfigMaps, cm('c', { app: 'web' }, 'other'));
  const { inf, ac, run } = await running(client);
  assert.equal(inf.hasSynced(), true);
  assert.equal(inf.lister.get({ namespace: 'default', name: 'a' })?.metadata?.name, 'a');
  assert.equal(inf.lister.get('other/c')?.metadata?.name, 'c');
  assert.equal(inf.lister.get({ namespace: 'other', name: 'a' }), undefined);
  assert.deepEqual(names(inf.lister.list()), ['a', 'b', 'c']);
  assert.deepEqual(names(inf.lister.list({ namespace: 'default' })), ['a', 'b']);
  assert.deepEqual(names(inf.lister.list({ selector: sel('app', 'web') })), ['a', 'c']);
  assert.deepEqual(names(inf.lister.list({ namespace: 'other', selector: sel('app', 'web') })), ['c']);
  ac.abort();
  await run;
});

test('custom indexes follow updates and deletes', async () => {
  const client = new FakeApiClient();
  await client.create(ConfigMaps, cm('a', { app: 'web' }));
  const { inf, ac, run } = await running(client);
  inf.addIndex('app', (o) => (o.metadata?.labels?.app ? [o.metadata.labels.app] : []));
  assert.deepEqual(names(inf.lister.byIndex('app', 'web')), ['a'], 'existing objects are indexed on addIndex');
  await client.create(ConfigMaps, cm('b', { app: 'web' }));
  const a = await client.get(ConfigMaps, { namespace: 'default', name: 'a' });
  await client.update(ConfigMaps, { ...a, metadata: { ...a.metadata, labels: { app: 'db' } } });
  await waitFor(() => inf.lister.byIndex('app', 'db').length === 1, 'a moved to db');
  assert.deepEqual(names(inf.lister.byIndex('app', 'web')), ['b']);
  await client.delete(ConfigMaps, { namespace: 'default', name: 'b' });
  await waitFor(() => inf.lister.byIndex('app', 'web').length === 0, 'b deleted');
  assert.throws(() => inf.lister.byIndex('nope', 'x'), /does not exist/);
  assert.throws(() => inf.addIndex('namespace', () => []), /already exists/);
  ac.abort();
  await run;
});

test('relist swaps the cache atomically: objects deleted while disconnected disappear', async () => {
  const client = new FakeApiClient();
  for (const n of ['a', 'b', 'c']) await client.create(ConfigMaps, cm(n, { app: 'web' }));
  // The informer's own connection can be cut while the test keeps writing through `client`.
  let cut = false;
  const link = client.withHooks({ before: () => { if (cut) throw networkError(); } });
  const { inf, ac, run } = await running(link);
  inf.addIndex('app', (o) => [o.metadata?.labels?.app ?? '']);
  const lister = inf.lister; // taken before the swap: must see the new state after it
  const changes: string[] = [];
  inf.onChange((c) => changes.push(show(c)));
  changes.length = 0; // drop the replay of existing objects

  cut = true;
  client.disconnectWatches(networkError());
  await client.delete(ConfigMaps, { namespace: 'default', name: 'a' });
  const b = await client.get(ConfigMaps, { namespace: 'default', name: 'b' });
  await client.update(ConfigMaps, { ...b, data: { v: '2' } });
  await client.create(ConfigMaps, cm('d', { app: 'web' }));
  client.compact(); // the history the informer would resume from is gone: it must relist
  assert.deepEqual(names(lister.list()), ['a', 'b', 'c'], 'stale but whole while disconnected');
  cut = false;

  await waitFor(() => lister.get('default/a') === undefined, 'relist applied');
  assert.deepEqual(names(lister.list()), ['b', 'c', 'd']);
  assert.deepEqual(names(lister.byIndex('app', 'web')), ['b', 'c', 'd'], 'indexes are rebuilt with the swap');
  assert.deepEqual((lister.get('default/b') as { data?: unknown }).data, { v: '2' });
  assert.deepEqual(changes.sort(), ['add:d', 'delete:a', 'update:b']);
  assert.equal(client.calls.filter((c) => c.verb === 'list').length, 2, 'one relist');
  ac.abort();
  await run;
});

test('a handler added after sync first hears of every cached object; unsubscribe stops delivery', async () => {
  const client = new FakeApiClient();
  await client.create(ConfigMaps, cm('a'));
  await client.create(ConfigMaps, cm('b'));
  const { inf, ac, run } = await running(client);
  const seen: string[] = [];
  const off = inf.onChange((c) => seen.push(show(c)));
  assert.deepEqual(seen.sort(), ['add:a', 'add:b']);
  inf.onChange(() => { throw new Error('a broken handler must not stop the others'); });
  await client.create(ConfigMaps, cm('c'));
  await waitFor(() => seen.length === 3, 'add c');
  off();
  await client.create(ConfigMaps, cm('d'));
  await waitFor(() => inf.lister.size() === 4, 'd cached');
  assert.deepEqual(seen, ['add:a', 'add:b', 'add:c']);
  ac.abort();
  await run;
});

test('waitForSync resolves false when aborted before the first list completes', async () => {
  const client = new FakeApiClient();
  client.partition(true);
  const inf = createInformer<KubeObject>(client, ConfigMaps, OPTS);
  const ac = new AbortController();
  const run = inf.run(ac.signal);
  const synced = inf.waitForSync(ac.signal);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(inf.hasSynced(), false);
  ac.abort();
  assert.equal(await synced, false);
  await run;
});

test('InformerSet shares one informer per (type, namespace, selector) and runs late ones', async () => {
  const client = new FakeApiClient();
  await client.create(ConfigMaps, cm('a', { app: 'web' }));
  await client.create(Namespaces, { metadata: { name: 'default' } });
  const set = new InformerSet(client, OPTS);
  const one = set.informerFor(ConfigMaps);
  assert.equal(set.informerFor(ConfigMaps), one);
  assert.notEqual(set.informerFor(ConfigMaps, { labelSelector: 'app=web' }), one);
  assert.notEqual(set.informerFor(ConfigMaps, { namespace: 'default' }), one);
  const ac = new AbortController();
  set.start(ac.signal);
  const late = set.informerFor(Namespaces);
  assert.equal(await set.waitForSync(ac.signal), true);
  assert.equal(late.hasSynced(), true);
  assert.equal(client.openWatches(), 4);
  ac.abort();
  await set.stopped();
  assert.equal(client.openWatches(), 0);
});
