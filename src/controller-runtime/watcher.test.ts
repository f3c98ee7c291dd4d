import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigMaps, Secrets, gone, type KubeObject } from '../core/index.js';
import type { WatchOptions } from '../client/index.js';
import { watcher, type WatcherEvent, type WatcherOptions } from './watcher.js';
import { FakeApiClient, networkError } from './testing/fake-client.js';
import { collect, waitFor } from './testing/wait.js';
import { silentLogger } from './log.js';

const OPTS: WatcherOptions = { backoff: { initialMs: 1, maxMs: 5, jitter: 0 }, logger: silentLogger, watchTimeoutSeconds: 300 };

const cm = (name: string, data: Record<string, string> = {}): KubeObject =>
  ({ metadata: { name, namespace: 'default' }, data });

function show(e: WatcherEvent<KubeObject>): string {
  return e.type === 'init' || e.type === 'initDone' ? e.type : `${e.type}:${e.object.metadata?.name}`;
}

function start(client: FakeApiClient, opts: WatcherOptions = OPTS) {
  const ac = new AbortController();
  const run = collect(watcher<KubeObject>(client, ConfigMaps, opts, ac.signal));
  const shown = () => run.events.map(show);
  const watchCalls = () => client.calls.filter((c) => c.verb === 'watch').map((c) => c.opts as WatchOptions);
  const listCalls = () => client.calls.filter((c) => c.verb === 'list');
  return { ac, run, shown, watchCalls, listCalls };
}

test('initial list is paginated, then a watch starts from the list resourceVersion with bookmarks', async () => {
  const client = new FakeApiClient();
  for (const n of ['a', 'b', 'c', 'd', 'e']) await client.create(ConfigMaps, cm(n));
  const listRv = String(client.currentRevision());
  const w = start(client, { ...OPTS, pageSize: 2 });
  await waitFor(() => client.openWatches() === 1, 'watch open');
  assert.deepEqual(w.shown(), ['init', 'initApply:a', 'initApply:b', 'initApply:c', 'initApply:d', 'initApply:e', 'initDone']);
  assert.equal(w.listCalls().length, 3);
  assert.deepEqual(w.listCalls().map((c) => (c.opts as { limit?: number }).limit), [2, 2, 2]);
  const [watch] = w.watchCalls();
  assert.equal(watch?.resourceVersion, listRv);
  assert.equal(watch?.allowWatchBookmarks, true);
  assert.equal(w.run.events[1]?.type === 'initApply' && w.run.events[1].object.kind, 'ConfigMap', 'list items get their kind');

  await client.create(ConfigMaps, cm('f'));
  await client.update(ConfigMaps, { ...(await client.get(ConfigMaps, { namespace: 'default', name: 'a' })), data: { x: '1' } });
  await client.delete(ConfigMaps, { namespace: 'default', name: 'b' });
  await waitFor(() => w.run.events.length === 10, 'watch events');
  assert.deepEqual(w.shown().slice(7), ['apply:f', 'apply:a', 'delete:b']);
  w.ac.abort();
  await w.run.done;
  assert.equal(client.openWatches(), 0, 'abort closes the watch');
});

test('a watch that ends resumes from the last bookmark resourceVersion, without a relist', async () => {
  const client = new FakeApiClient();
  await client.create(ConfigMaps, cm('a'));
  const w = start(client);
  await waitFor(() => client.openWatches() === 1, 'watch open');
  // Changes to another resource move the revision without events on this watch.
  for (let i = 0; i < 3; i++) await client.create(Secrets, { metadata: { name: `s${i}`, namespace: 'default' } });
  client.bookmark();
  const bookmarkRv = String(client.currentRevision());
  // The stream ends right after the bookmark: it is still delivered before the end.
  client.disconnectWatches();
  await waitFor(() => w.watchCalls().length === 2 && client.openWatches() === 1, 'watch reopened');
  assert.equal(w.watchCalls()[1]?.resourceVersion, bookmarkRv);
  assert.equal(w.listCalls().length, 1, 'no relist');
  assert.deepEqual(w.shown(), ['init', 'initApply:a', 'initDone']);
  w.ac.abort();
  await w.run.done;
});

test('a network error on the watch retries from the same resourceVersion', async () => {
  const client = new FakeApiClient();
  await client.create(ConfigMaps, cm('a'));
  const rv = String(client.currentRevision());
  client.failNextWatch(networkError());
  client.failNextWatch(networkError());
  const w = start(client);
  await waitFor(() => client.openWatches() === 1, 'watch open');
  assert.deepEqual(w.watchCalls().map((c) => c.resourceVersion), [rv, rv, rv]);
  assert.equal(w.listCalls().length, 1);
  // A broken stream (connection reset mid-watch) resumes too, and events missed meanwhile arrive.
  await client.create(ConfigMaps, cm('b'));
  await waitFor(() => w.run.events.length === 4, 'apply b');
  client.partition(true);
  await waitFor(() => client.openWatches() === 0, 'watch broken');
  client.partition(false);
  await client.delete(ConfigMaps, { namespace: 'default', name: 'a' });
  await waitFor(() => w.run.events.length === 5, 'delete a after reconnect');
  assert.deepEqual(w.shown().slice(3), ['apply:b', 'delete:a']);
  assert.equal(w.listCalls().length, 1);
  w.ac.abort();
  await w.run.done;
});

test('410 Expired (ERROR event) on a compacted resourceVersion re-lists: objects deleted meanwhile are gone', async () => {
  const client = new FakeApiClient();
  await client.create(ConfigMaps, cm('a'));
  await client.create(ConfigMaps, cm('b'));
  let hold = true;
  // Hold the first reconnect until the test has deleted and compacted.
  const slow = client.withHooks({ before: async (verb) => { if (verb === 'watch') while (hold && client.calls.filter((c) => c.verb === 'watch').length > 1) await new Promise((r) => setTimeout(r, 1)); } });
  const w = start(slow);
  await waitFor(() => client.openWatches() === 1, 'watch open');
  client.disconnectWatches(networkError());
  await waitFor(() => client.calls.filter((c) => c.verb === 'watch').length === 2, 'reconnect attempted');
  await client.delete(ConfigMaps, { namespace: 'default', name: 'a' });
  await client.create(ConfigMaps, cm('c'));
  client.compact();
  hold = false;
  await waitFor(() => w.listCalls().length === 2 && client.openWatches() === 1, 'relisted and watching');
  assert.deepEqual(w.shown(), ['init', 'initApply:a', 'initApply:b', 'initDone', 'init', 'initApply:b', 'initApply:c', 'initDone']);
  w.ac.abort();
  await w.run.done;
});

test('410 thrown by the watch call re-lists', async () => {
  const client = new FakeApiClient();
  await client.create(ConfigMaps, cm('a'));
  client.failNextWatch(gone('too old resource version'));
  const w = start(client);
  await waitFor(() => client.openWatches() === 1, 'watch open');
  assert.equal(w.listCalls().length, 2);
  assert.deepEqual(w.shown(), ['init', 'initApply:a', 'initDone', 'init', 'initApply:a', 'initDone']);
  w.ac.abort();
  await w.run.done;
});

test('an expired continue token restarts the list from the first page', async () => {
  const client = new FakeApiClient();
  for (const n of ['a', 'b', 'c']) await client.create(ConfigMaps, cm(n));
  let lists = 0;
  const compacting = client.withHooks({ before: async (verb) => {
    if (verb === 'list' && ++lists === 2) { await client.create(ConfigMaps, cm('d')); client.compact(); }
  } });
  const w = start(compacting, { ...OPTS, pageSize: 2 });
  await waitFor(() => client.openWatches() === 1, 'watch open');
  assert.deepEqual(w.shown(), ['init', 'initApply:a', 'initApply:b', 'init', 'initApply:a', 'initApply:b', 'initApply:c', 'initApply:d', 'initDone']);
  w.ac.abort();
  await w.run.done;
});
