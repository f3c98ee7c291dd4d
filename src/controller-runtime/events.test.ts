// The shared event recorder against a real API server and the real kubectl: unique names,
// node-agent sources and field paths, repeats folded into one write, terminating namespaces,
// failures logged once per run, and `kubectl describe` showing what it shows upstream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Event } from 'kubernetes-types/core/v1.js';
import { Events, Namespaces, PersistentVolumeClaims, Pods, type KubeObject, type ResourceType } from '../core/index.js';
import type { Writer } from '../client/index.js';
import { startTestCluster, type TestCluster } from '../testing/index.js';
import { createEventRecorder, withTypeMeta } from './index.js';
import type { LogFields, Logger } from './log.js';

type Ev = Event & KubeObject;

describe('shared event recorder', () => {
  let cluster: TestCluster;
  before(async () => { cluster = await startTestCluster(); });
  after(async () => { await cluster?.stop(); });

  const about = async (name: string, namespace = 'default') =>
    (await cluster.client.list<Ev>(Events, { namespace, fieldSelector: `involvedObject.name=${name}` })).items;
  const pod = (name: string, namespace = 'default'): KubeObject =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: '42' } });
  const capture = () => {
    const lines: { level: string; msg: string; fields?: LogFields }[] = [];
    const logger: Logger = {
      info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
      error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
    };
    return { lines, logger };
  };
  /** The client, counting the requests that reach it. */
  const counting = () => {
    const calls = { create: 0, patch: 0 };
    const client: Writer = {
      ...cluster.client,
      create: (type: ResourceType, obj: KubeObject) => { calls.create++; return cluster.client.create(type, obj); },
      patch: (type, key, patchType, patch) => { calls.patch++; return cluster.client.patch(type, key, patchType, patch); },
    } as Writer;
    return { calls, client };
  };

  it('names Events <object>.<16 hex digits>, never twice, even from two recorders in one millisecond', async () => {
    const frozen = () => Date.parse('2026-03-01T10:00:00Z');
    const a = createEventRecorder(cluster.client, { component: 'a' }, { now: frozen });
    const b = createEventRecorder(cluster.client, { component: 'b' }, { now: frozen });
    for (let i = 0; i < 20; i++) {
      a.event(pod('same-ms'), 'Normal', `A${i}`, 'm');
      b.event(pod('same-ms'), 'Normal', `B${i}`, 'm');
    }
    await Promise.all([a.flush(), b.flush()]);
    const names = (await about('same-ms')).map((e) => e.metadata!.name!);
    assert.equal(names.length, 40, 'every event written');
    assert.equal(new Set(names).size, 40);
    for (const n of names) assert.match(n, /^same-ms\.[0-9a-f]{16}$/);
  });

  it('writes a node agent\'s source and the involved object\'s field path, and counts repeats per field path', async () => {
    let t = Date.parse('2026-03-01T11:00:00Z');
    const kubelet = createEventRecorder(cluster.client, { component: 'kubelet', host: 'node-a' }, { now: () => t });
    const msg = 'Readiness probe failed: cat: /tmp/ready: No such file or directory';
    for (let i = 0; i < 3; i++) { kubelet.event(pod('probed'), 'Warning', 'Unhealthy', msg, 'spec.containers{app}'); t += 5000; }
    kubelet.event(pod('probed'), 'Warning', 'Unhealthy', msg, 'spec.containers{sidecar}');
    await kubelet.flush();
    const evs = await about('probed');
    assert.equal(evs.length, 2);
    const app = evs.find((e) => e.involvedObject.fieldPath === 'spec.containers{app}')!;
    assert.equal(app.count, 3);
    assert.equal(app.firstTimestamp, '2026-03-01T11:00:00Z');
    assert.equal(app.lastTimestamp, '2026-03-01T11:00:10Z');
    assert.equal(app.message, msg);
    assert.deepEqual(app.source, { component: 'kubelet', host: 'node-a' });
    assert.deepEqual([app.reportingComponent, app.reportingInstance], ['kubelet', 'node-a']);
    assert.deepEqual(app.involvedObject, {
      apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'probed', uid: 'uid-probed', resourceVersion: '42', fieldPath: 'spec.containers{app}',
    });
    assert.equal(evs.find((e) => e.involvedObject.fieldPath === 'spec.containers{sidecar}')?.count, 1);
  });

  it('folds repeats recorded while a write waits into that write', async () => {
    const { calls, client } = counting();
    const rec = createEventRecorder(client, { component: 'folding' });
    for (let i = 0; i < 5; i++) rec.event(pod('folded'), 'Normal', 'Pulled', 'Container image "nginx" already present on machine');
    await rec.flush();
    const [ev, ...rest] = await about('folded');
    assert.equal(rest.length, 0);
    assert.equal(ev?.count, 5);
    assert.deepEqual(calls, { create: 1, patch: 0 });
    rec.event(pod('folded'), 'Normal', 'Pulled', 'Container image "nginx" already present on machine');
    await rec.flush();
    assert.equal((await about('folded'))[0]?.count, 6);
    assert.deepEqual(calls, { create: 1, patch: 1 });
  });

  it('fills in kind and apiVersion from a resource type for objects that lack them', async () => {
    const rec = createEventRecorder(cluster.client, { component: 'persistentvolume-controller' });
    const bare = { metadata: { name: 'bare-claim', namespace: 'default', uid: 'uid-bare' } };
    rec.event(withTypeMeta(PersistentVolumeClaims, bare), 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
    await rec.flush();
    const [ev] = await about('bare-claim');
    assert.deepEqual(ev?.involvedObject, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'default', name: 'bare-claim', uid: 'uid-bare' });
  });

  it('drops events for objects in a terminating namespace quietly, and logs other failures once per run', async () => {
    // A namespace being deleted (no namespace controller runs here, so it stays Terminating):
    // NamespaceLifecycle refuses new Events in it, as upstream does.
    await cluster.client.create(Namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'leaving' } });
    await cluster.client.delete(Namespaces, { name: 'leaving' });
    const client = cluster.client;
    const { lines, logger } = capture();
    const rec = createEventRecorder(client, { component: 'quiet' }, { logger });
    rec.event(pod('p', 'leaving'), 'Normal', 'Killing', 'Stopping container app');
    await rec.flush();
    assert.equal(lines.length, 0, 'nothing logged');

    // A namespace that does not exist (the real API server's NotFound): three rejected writes, one error.
    for (let i = 0; i < 3; i++) rec.event(pod('q', 'nowhere'), 'Warning', `Failed${i}`, 'boom');
    await rec.flush();
    assert.deepEqual(lines.map((l) => [l.level, l.msg]), [['error', 'Server rejected event (will not retry!)']]);
    assert.equal(lines[0]!.fields?.object, 'Pod/nowhere/q');
    // The run ends with the next write that succeeds, which says how many were dropped.
    rec.event(pod('r'), 'Normal', 'Started', 'Started container app');
    await rec.flush();
    assert.deepEqual(lines.slice(1).map((l) => [l.level, l.fields?.dropped]), [['info', 2]]);
    assert.equal((await about('r')).length, 1);
  });

  it('reads in kubectl describe as upstream\'s: sources, types and "(x3 over ...)"', async () => {
    const p = await cluster.client.create(Pods, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'described', namespace: 'default' },
      spec: { containers: [{ name: 'app', image: 'nginx:1.9.1' }] },
    });
    const claim = await cluster.client.create(PersistentVolumeClaims, {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'described', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'none' },
    });
    // Anchored at the wall clock so kubectl's ages are small; only their shape is asserted.
    let t = Date.now() - 10_000;
    const now = () => t;
    const scheduler = createEventRecorder(cluster.client, { component: 'default-scheduler' }, { now });
    const kubelet = createEventRecorder(cluster.client, { component: 'kubelet', host: 'node-a' }, { now });
    const binder = createEventRecorder(cluster.client, { component: 'persistentvolume-controller' }, { now });
    scheduler.event(p, 'Normal', 'Scheduled', 'Successfully assigned default/described to node-a');
    kubelet.event(p, 'Normal', 'Pulled', 'Container image "nginx:1.9.1" already present on machine', 'spec.containers{app}');
    for (let i = 0; i < 3; i++) {
      kubelet.event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: connection refused', 'spec.containers{app}');
      t += 5000;
    }
    binder.event(claim, 'Warning', 'FailedBinding', 'volume "pv-x" already bound to a different claim.');
    await Promise.all([scheduler.flush(), kubelet.flush(), binder.flush()]);

    const pods = await cluster.kubectl('33')(['describe', 'pod', 'described']);
    assert.equal(pods.code, 0, pods.stderr);
    assert.match(pods.stdout, /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/described to node-a/);
    assert.match(pods.stdout, /Normal\s+Pulled\s+\S+\s+kubelet\s+Container image "nginx:1\.9\.1" already present on machine/);
    assert.match(pods.stdout, /Warning\s+Unhealthy\s+\S+ \(x3 over \d+s\)\s+kubelet\s+Readiness probe failed: connection refused/);
    const pvc = await cluster.kubectl('33')(['describe', 'pvc', 'described']);
    assert.equal(pvc.code, 0, pvc.stderr);
    assert.match(pvc.stdout, /Warning\s+FailedBinding\s+\S+\s+persistentvolume-controller\s+volume "pv-x" already bound to a different claim\./);
  });
});
