import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigMaps, type KubeObject, type OwnerReference } from '../core/index.js';
import { runController, type ControllerSpec } from './controller.js';
import { enqueueForObject, enqueueForOwner } from './enqueue.js';
import { createInformer, type Informer } from './informer.js';
import { TerminalError, isTerminalError, type Request, type Result } from './reconcile.js';
import type { ReconcileOutcome } from './metrics.js';
import { FakeApiClient } from './testing/fake-client.js';
import { FakeClock } from './testing/fake-clock.js';
import { waitFor } from './testing/wait.js';
import { silentLogger } from './log.js';

const cm = (name: string): KubeObject => ({ metadata: { name, namespace: 'default' } });

interface Harness {
  client: FakeApiClient; clock: FakeClock; informer: Informer<KubeObject>; ac: AbortController;
  calls: Array<{ key: string; at: number }>; outcomes: ReconcileOutcome[]; depths: number[];
  stop(): Promise<void>;
}

/** An informer over a fake client, and a controller on a fake clock reconciling ConfigMaps. */
async function harness(reconcile: (r: Request, signal: AbortSignal) => Promise<Result | void>,
  extra: Partial<ControllerSpec> = {}, seed: string[] = ['a']): Promise<Harness> {
  const client = new FakeApiClient();
  for (const n of seed) await client.create(ConfigMaps, cm(n));
  const clock = new FakeClock();
  const informer = createInformer<KubeObject>(client, ConfigMaps, { logger: silentLogger });
  const ac = new AbortController();
  const run = informer.run(ac.signal);
  const calls: Harness['calls'] = [];
  const outcomes: ReconcileOutcome[] = [];
  const depths: number[] = [];
  const ctrl = runController({
    name: 'test', clock, logger: silentLogger,
    reconciler: { reconcile: (r, s) => { calls.push({ key: `${r.namespace}/${r.name}`, at: clock.now() }); return reconcile(r, s); } },
    watches: [{ informer, toRequests: enqueueForObject }],
    metrics: { queueDepth: (_, d) => depths.push(d), reconcile: (_, o) => outcomes.push(o) },
    ...extra,
  }, ac.signal);
  return { client, clock, informer, ac, calls, outcomes, depths, stop: async () => { ac.abort(); await Promise.all([run, ctrl]); } };
}

test('reconciles every object after sync, and again when it changes', async () => {
  const h = await harness(async () => ({}), {}, ['a', 'b']);
  await waitFor(() => h.calls.length === 2, 'initial reconciles');
  assert.deepEqual(h.calls.map((c) => c.key).sort(), ['default/a', 'default/b']);
  const a = await h.client.get(ConfigMaps, { namespace: 'default', name: 'a' });
  await h.client.update(ConfigMaps, { ...a, data: { x: '1' } });
  await waitFor(() => h.calls.length === 3, 'reconcile after update');
  assert.equal(h.calls[2]?.key, 'default/a');
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(h.calls.length, 3, 'one change, one reconcile (old and new map to one key)');
  await h.client.delete(ConfigMaps, { namespace: 'default', name: 'b' });
  await waitFor(() => h.calls.length === 4, 'reconcile after delete');
  assert.deepEqual(h.outcomes, ['success', 'success', 'success', 'success']);
  assert.ok(h.depths.length > 0, 'queue depth is reported');
  await h.stop();
});

test('errors are retried with per-key exponential backoff; success resets it', async () => {
  let failures = 2;
  const h = await harness(async () => { if (failures-- > 0) throw new Error('boom'); return {}; });
  await waitFor(() => h.calls.length === 1, 'first attempt');
  await h.clock.advance(4);
  assert.equal(h.calls.length, 1, 'not before 5 ms');
  await h.clock.advance(1);
  await waitFor(() => h.calls.length === 2, 'retry after 5 ms');
  await h.clock.advance(9);
  assert.equal(h.calls.length, 2, 'second retry waits 10 ms');
  await h.clock.advance(1);
  await waitFor(() => h.calls.length === 3, 'retry after 10 ms');
  assert.deepEqual(h.outcomes, ['error', 'error', 'success']);
  // Backoff was forgotten on success: the next failure waits 5 ms again.
  failures = 1;
  const a = await h.client.get(ConfigMaps, { namespace: 'default', name: 'a' });
  await h.client.update(ConfigMaps, { ...a, data: { x: '1' } });
  await waitFor(() => h.calls.length === 4, 'reconcile after update');
  await h.clock.advance(5);
  await waitFor(() => h.calls.length === 5, 'retry after 5 ms again');
  await h.stop();
});

test('a TerminalError is logged, not retried', async () => {
  const h = await harness(async () => { throw new TerminalError('spec is invalid'); });
  await waitFor(() => h.calls.length === 1, 'first attempt');
  await h.clock.advance(2_000_000);
  assert.equal(h.calls.length, 1);
  assert.deepEqual(h.outcomes, ['terminal']);
  assert.ok(isTerminalError(new Error('wrapped', { cause: new TerminalError('inner') })));
  await h.stop();
});

test('a thrown non-Error (panic) is caught and retried; the controller keeps running', async () => {
  let n = 0;
  const h = await harness(async () => {
    if (n++ === 0) throw 'not an error';
    return {};
  });
  await waitFor(() => h.calls.length === 1, 'first attempt');
  await h.clock.advance(5);
  await waitFor(() => h.calls.length === 2, 'retried');
  assert.deepEqual(h.outcomes, ['error', 'success']);
  await h.stop();
});

test('requeueAfterMs reconciles the key again after that delay', async () => {
  const h = await harness(async () => ({ requeueAfterMs: 30_000 }));
  await waitFor(() => h.calls.length === 1, 'first reconcile');
  await h.clock.advance(29_999);
  assert.equal(h.calls.length, 1);
  await h.clock.advance(1);
  await waitFor(() => h.calls.length === 2, 'requeued');
  assert.equal(h.calls[1]!.at - h.calls[0]!.at, 30_000);
  assert.deepEqual(h.outcomes, ['requeueAfter', 'requeueAfter']);
  await h.stop();
});

test('N workers reconcile different keys in parallel, never one key twice at once', async () => {
  const gates = new Map<string, () => void>();
  let active = 0, maxActive = 0;
  const activeKeys = new Set<string>();
  let overlap = false;
  const h = await harness(async (r, signal) => {
    if (activeKeys.has(r.name)) overlap = true;
    activeKeys.add(r.name);
    maxActive = Math.max(maxActive, ++active);
    await new Promise<void>((res) => { gates.set(r.name, res); signal.addEventListener('abort', () => res()); });
    active--;
    activeKeys.delete(r.name);
    return {};
  }, { concurrency: 2 }, ['a', 'b']);
  await waitFor(() => gates.size === 2, 'both keys in flight');
  assert.equal(maxActive, 2);
  // Change a while it is being reconciled: it is queued, not handed to the idle worker.
  const a = await h.client.get(ConfigMaps, { namespace: 'default', name: 'a' });
  await h.client.update(ConfigMaps, { ...a, data: { x: '1' } });
  gates.get('b')!();
  await waitFor(() => h.outcomes.length === 1, 'b done');
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(h.calls.length, 2, 'a is not reconciled a second time while in flight');
  gates.get('a')!();
  await waitFor(() => h.calls.length === 3, 'a again after done');
  gates.get('a')!();
  await waitFor(() => h.outcomes.length === 3, 'all done');
  assert.equal(overlap, false);
  await h.stop();
});

test('shutdown: in-flight reconciles see the aborted signal and runController resolves', async () => {
  let sawAbort = false;
  const h = await harness((_, signal) => new Promise<Result>((_res, rej) => {
    signal.addEventListener('abort', () => { sawAbort = true; rej(new Error('aborted')); });
  }));
  await waitFor(() => h.calls.length === 1, 'in flight');
  await h.stop();
  assert.equal(sawAbort, true);
  assert.equal(h.clock.pending(), 0, 'no retry was scheduled for a reconcile failing because of shutdown');
});

test('enqueueForOwner maps a dependent to its controller owner of the given kind', () => {
  const pod = (refs: OwnerReference[]): KubeObject => ({ metadata: { name: 'web-0', namespace: 'ns', ownerReferences: refs } });
  const ref = (kind: string, name: string, apiVersion: string, controller?: boolean) => ({ kind, name, apiVersion, uid: 'u', controller });
  const toSts = enqueueForOwner('StatefulSet', 'apps/v1');
  assert.deepEqual(toSts(pod([ref('StatefulSet', 'web', 'apps/v1', true)])), [{ namespace: 'ns', name: 'web' }]);
  assert.deepEqual(toSts(pod([ref('StatefulSet', 'web', 'apps/v1')])), [], 'not the controller');
  assert.deepEqual(toSts(pod([ref('ReplicaSet', 'rs', 'apps/v1', true)])), [], 'another kind');
  assert.deepEqual(toSts(pod([ref('StatefulSet', 'web', 'example.com/v1', true)])), [], 'another group');
  assert.deepEqual(enqueueForOwner('StatefulSet')(pod([ref('StatefulSet', 'web', 'apps/v1beta2', true)])), [{ namespace: 'ns', name: 'web' }]);
  // A cluster-scoped owner (a Node) is named without a namespace.
  assert.deepEqual(enqueueForOwner('Node', 'v1')(pod([ref('Node', 'n1', 'v1', true)])), [{ namespace: undefined, name: 'n1' }]);
  assert.deepEqual(enqueueForObject({ metadata: { name: 'x', namespace: 'ns' } }), [{ namespace: 'ns', name: 'x' }]);
});

test('no reconcile before the informers have synced; abort while waiting resolves', async () => {
  const client = new FakeApiClient();
  await client.create(ConfigMaps, cm('a'));
  const informer = createInformer<KubeObject>(client, ConfigMaps, { logger: silentLogger }); // never run
  const ac = new AbortController();
  let calls = 0;
  const ctrl = runController({
    name: 'unsynced', logger: silentLogger, watches: [{ informer, toRequests: enqueueForObject }],
    reconciler: { reconcile: async () => { calls++; return {}; } },
  }, ac.signal);
  await new Promise((r) => setTimeout(r, 10));
  ac.abort();
  await ctrl;
  assert.equal(calls, 0);
});
