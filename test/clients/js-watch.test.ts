// Watching with the official JS client: the low-level Watch.watch (events in order, resume from
// an event's resourceVersion, a server-side timeout ending the stream) and makeInformer (cache,
// add/update/delete callbacks, stop and resume from its last resourceVersion without a relist,
// and a relist after the history it needs was compacted away: 410 Gone).
import * as k8s from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually, kubeConfigOf, patchAs, startFullCluster } from './support.js';

const NS = 'js-watch';
const CMS = `/api/v1/namespaces/${NS}/configmaps`;

interface Seen { type: string; name: string; rv: string; value?: string; code?: number }

/** Starts Watch.watch and records events until aborted; `ended` resolves with done()'s error. */
async function record(kc: k8s.KubeConfig, path: string, query: Record<string, string | number | boolean>) {
  const events: Seen[] = [];
  let end!: (err: unknown) => void;
  const ended = new Promise<unknown>((r) => (end = r));
  const controller = await new k8s.Watch(kc).watch(path, query, (type, obj) => {
    events.push({ type, name: obj?.metadata?.name, rv: obj?.metadata?.resourceVersion, value: obj?.data?.v, code: obj?.code });
  }, (err) => end(err));
  return { events, ended, stop: () => controller.abort() };
}

describe('JS client: watch and informers', () => {
  let cluster: TestCluster;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  const stops: (() => unknown)[] = [];

  before(async () => {
    cluster = await startFullCluster();
    kc = kubeConfigOf(cluster);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
  });
  after(async () => {
    for (const s of stops) await s();
    await cluster?.stop();
  });

  const cm = (name: string, v: string, labels: Record<string, string> = {}) =>
    core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name, labels }, data: { v } } });
  const setValue = (name: string, v: string) =>
    core.patchNamespacedConfigMap({ namespace: NS, name, body: { data: { v } } }, patchAs(k8s.PatchStrategy.MergePatch));

  it('Watch.watch delivers events in order and resumes from an event resourceVersion', async () => {
    const start = (await core.listNamespacedConfigMap({ namespace: NS })).metadata!.resourceVersion!;
    const w = await record(kc, CMS, { resourceVersion: start, labelSelector: 'w=1' });
    stops.push(w.stop);
    await cm('a', '1', { w: '1' });
    await cm('other', 'x');
    await setValue('a', '2');
    await core.deleteNamespacedConfigMap({ namespace: NS, name: 'a' });
    await eventually(async () => w.events.length >= 3, 'three events');
    assert.deepEqual(w.events.map((e) => `${e.type} ${e.name} ${e.value}`), ['ADDED a 1', 'MODIFIED a 2', 'DELETED a 2']);
    assert.ok(Number(w.events[0].rv) > Number(start));
    w.stop();

    // Resuming from the MODIFIED event's version replays only what came after it.
    const resumed = await record(kc, CMS, { resourceVersion: w.events[1].rv, labelSelector: 'w=1' });
    stops.push(resumed.stop);
    await eventually(async () => resumed.events.length >= 1, 'replayed delete');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(resumed.events.map((e) => `${e.type} ${e.name}`), ['DELETED a']);
    resumed.stop();
  });

  it('ends the stream at timeoutSeconds, calling done without an error', async () => {
    const t0 = Date.now();
    const w = await record(kc, CMS, { timeoutSeconds: 1 });
    assert.equal(await w.ended, null);
    assert.ok(Date.now() - t0 < 5000, 'ended near the timeout');
  });

  it('watches across namespaces, cluster-scoped kinds and pods a controller creates', async () => {
    const w = await record(kc, '/api/v1/configmaps', { resourceVersion: (await core.listConfigMapForAllNamespaces()).metadata!.resourceVersion! });
    stops.push(w.stop);
    await cm('everywhere', '1');
    await eventually(async () => w.events.some((e) => e.name === 'everywhere'), 'all-namespace event');
    w.stop();
    const pods = k8s.makeInformer(kc, `/api/v1/namespaces/${NS}/pods`, () => core.listNamespacedPod({ namespace: NS }), 'app=w');
    stops.push(() => pods.stop());
    const running = new Set<string>();
    pods.on('update', (p: k8s.V1Pod) => { if (p.status?.phase === 'Running') running.add(p.metadata!.name!); });
    await pods.start();
    await kc.makeApiClient(k8s.AppsV1Api).createNamespacedStatefulSet({ namespace: NS, body: {
      metadata: { name: 'w' },
      spec: { replicas: 2, serviceName: 'w', selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } } },
    } });
    await eventually(async () => running.size === 2, 'both pods seen Running', 30_000);
    assert.deepEqual(pods.list(NS).map((p) => p.metadata?.name).sort(), ['w-0', 'w-1']);
    assert.equal(pods.get('w-0', NS)?.spec?.hostname, 'w-0');
    await pods.stop();
  });

  it('makeInformer keeps a cache, resumes after stop and relists after 410 Gone', async () => {
    const informer = k8s.makeInformer(kc, CMS, () => core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'inf=1' }), 'inf=1');
    stops.push(() => informer.stop());
    const log: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (o: k8s.V1ConfigMap) => log.push(`add ${o.metadata?.name}`));
    informer.on('update', (o: k8s.V1ConfigMap) => log.push(`update ${o.metadata?.name} ${o.data?.v}`));
    informer.on('delete', (o: k8s.V1ConfigMap) => log.push(`delete ${o.metadata?.name}`));
    // stop() aborts the request, which the client reports as an AbortError: ours, not the server's.
    informer.on('error', (e) => { if ((e as Error)?.name !== 'AbortError') errors.push(e); });
    await cm('pre', '0', { inf: '1' });
    await informer.start();
    assert.deepEqual(log, ['add pre'], 'the initial list fires add');
    await cm('b', '1', { inf: '1' });
    await setValue('b', '2');
    await eventually(async () => log.length === 3, 'add and update');
    assert.deepEqual(log.slice(1), ['add b', 'update b 2']);
    assert.equal(informer.get('b', NS)?.data?.v, '2');

    // Stopped: changes happen meanwhile; started again it resumes from its last version.
    await informer.stop();
    const rv = (informer as unknown as k8s.ListWatch<k8s.V1ConfigMap>).latestResourceVersion();
    await cm('c', '1', { inf: '1' });
    await core.deleteNamespacedConfigMap({ namespace: NS, name: 'b' });
    log.length = 0;
    await informer.start();
    await eventually(async () => log.length >= 2, 'resumed events');
    assert.deepEqual(log, ['add c', 'delete b']);
    assert.ok(Number((informer as unknown as k8s.ListWatch<k8s.V1ConfigMap>).latestResourceVersion()) > Number(rv));

    // Stopped again, and the history after its version compacted away: the watch answers 410
    // (an ERROR event), and the informer lists afresh and still ends up with the right cache.
    await informer.stop();
    await core.deleteNamespacedConfigMap({ namespace: NS, name: 'pre' });
    await cm('d', '1', { inf: '1' });
    const head = Number((await core.listNamespacedConfigMap({ namespace: NS })).metadata!.resourceVersion);
    await cluster.store.compact(head);
    const gone = await record(kc, CMS, { resourceVersion: (informer as unknown as k8s.ListWatch<k8s.V1ConfigMap>).latestResourceVersion() });
    await gone.ended;
    assert.deepEqual(gone.events.map((e) => `${e.type} ${e.code}`), ['ERROR 410'], 'the old version is gone, and the stream ends');
    log.length = 0;
    await informer.start();
    await eventually(async () => informer.list(NS).length === 2 && log.includes('add d'), 'relisted cache', 15_000);
    assert.deepEqual(informer.list(NS).map((o) => o.metadata?.name).sort(), ['c', 'd']);
    assert.ok(log.includes('delete pre'), `relist reports the deletion it missed: ${log}`);
    assert.deepEqual(errors, []);
    await informer.stop();
  });
});
