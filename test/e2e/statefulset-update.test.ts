// Updates and revisions (group d) through the real kubectl: RollingUpdate from the highest
// ordinal down, partition, OnDelete, rollback by revision reuse, `rollout history|undo`,
// history truncation and status.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ControllerRevisions, StatefulSets, type KubeObject } from '../../src/core/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually, fails, ok } from './helpers.js';
import { createNamespace, deleteNamespace, FakeKubelet, isReady, PodEvents, podsOf, startStatefulSetCluster } from './statefulset-helpers.js';

type Sts = KubeObject & { status?: Record<string, number | string | undefined> };
type Rev = KubeObject & { revision: number };

function manifest(name: string, replicas: number, strategy: object, extra: object = {}): string {
  return JSON.stringify({
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name },
    spec: {
      replicas, serviceName: name, selector: { matchLabels: { app: name } }, updateStrategy: strategy, ...extra,
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } },
    },
  });
}

describe('StatefulSet updates and revisions', () => {
  let cluster: TestCluster;
  let k: ReturnType<TestCluster['kubectl']>;
  const namespaces: string[] = [];
  const kubelets: FakeKubelet[] = [];

  before(async () => {
    cluster = await startStatefulSetCluster();
    k = cluster.kubectl('33');
  });
  after(async () => {
    for (const kl of kubelets) await kl.stop();
    for (const ns of namespaces) await deleteNamespace(cluster.client, ns);
    await cluster?.stop();
  });

  async function setUp(ns: string, yaml: string): Promise<PodEvents> {
    namespaces.push(ns);
    await createNamespace(cluster.client, ns);
    kubelets.push(new FakeKubelet(cluster.client, ns).start());
    const events = await new PodEvents(cluster.client, ns).start();
    ok(await k(['create', '-n', ns, '-f', '-'], { input: yaml }), 'create');
    return events;
  }
  const get = (ns: string, name: string) => cluster.client.get<Sts>(StatefulSets, { namespace: ns, name });
  const images = async (ns: string) => (await podsOf(cluster.client, ns)).map((p) => `${p.metadata!.name}=${(p.spec as { containers: { image: string }[] }).containers[0].image}`);
  const settled = (ns: string, name: string, want: (s: Sts) => boolean) => eventually(async () => {
    const s = await get(ns, name);
    const pods = await podsOf(cluster.client, ns);
    return want(s) && pods.every((p) => isReady(p) && !p.metadata?.deletionTimestamp) && s.status?.observedGeneration === s.metadata?.generation ? s : undefined;
  }, `${name} to settle`);
  const patch = async (ns: string, name: string, type: string, body: unknown) =>
    ok(await k(['patch', 'sts', name, '-n', ns, `--type=${type}`, '-p', JSON.stringify(body)]), 'patch');

  it('rolls pods from the highest ordinal down, one at a time', async () => {
    const events = await setUp('roll', manifest('web', 3, { type: 'RollingUpdate' }));
    const v1 = await settled('roll', 'web', (s) => s.status?.readyReplicas === 3);
    events.log.length = 0;
    await patch('roll', 'web', 'json', [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:2' }]);
    const v2 = await settled('roll', 'web', (s) => s.status?.updatedReplicas === 3 && s.status?.currentRevision === s.status?.updateRevision);
    assert.deepEqual(events.log, ['delete web-2', 'add web-2', 'ready web-2', 'delete web-1', 'add web-1', 'ready web-1', 'delete web-0', 'add web-0', 'ready web-0']);
    assert.deepEqual(await images('roll'), ['web-0=nginx:2', 'web-1=nginx:2', 'web-2=nginx:2']);
    assert.notEqual(v2.status?.updateRevision, v1.status?.updateRevision);
    assert.deepEqual([v2.status?.replicas, v2.status?.currentReplicas, v2.status?.readyReplicas], [3, 3, 3]);
    // No rollingUpdate block was given, so none is defaulted and kubectl compares revisions.
    assert.match(ok(await k(['rollout', 'status', 'sts/web', '-n', 'roll', '--timeout=20s'])), new RegExp(`statefulset rolling update complete 3 pods at revision ${v2.status?.updateRevision}\.\.\.`));
    for (const p of await podsOf(cluster.client, 'roll')) assert.equal(p.metadata!.labels!['controller-revision-hash'], v2.status?.updateRevision);
  });

  it('rolls back by reusing the old revision with a new number, and shows it in rollout history (D5)', async () => {
    const before = (await cluster.client.list<Rev>(ControllerRevisions, { namespace: 'roll' })).items;
    assert.deepEqual(before.map((r) => r.revision).sort(), [1, 2]);
    const v1 = before.find((r) => r.revision === 1)!;
    const undo = await k(['rollout', 'undo', 'sts/web', '-n', 'roll']);
    ok(undo, 'rollout undo');
    assert.match(undo.stdout, /statefulset.apps\/web rolled back/);
    const s = await settled('roll', 'web', (x) => x.status?.updateRevision === v1.metadata!.name && x.status?.currentRevision === v1.metadata!.name && x.status?.updatedReplicas === 3);
    assert.equal(s.status?.updateRevision, v1.metadata!.name);
    const after = (await cluster.client.list<Rev>(ControllerRevisions, { namespace: 'roll' })).items;
    assert.deepEqual(after.map((r) => `${r.metadata!.name}:${r.revision}`).sort(), before.map((r) => `${r.metadata!.name}:${r === v1 ? 3 : r.revision}`).sort());
    assert.deepEqual(await images('roll'), ['web-0=nginx:1', 'web-1=nginx:1', 'web-2=nginx:1']);
    const history = ok(await k(['rollout', 'history', 'sts/web', '-n', 'roll']));
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
    assert.match(ok(await k(['rollout', 'history', 'sts/web', '-n', 'roll', '--revision=2'])), /Image:\s+nginx:2/);
  });

  it('respects the partition: pods below it stay, and come back, at the old revision (D11-D13)', async () => {
    await setUp('part', manifest('db', 3, { type: 'RollingUpdate', rollingUpdate: { partition: 2 } }));
    const v1 = await settled('part', 'db', (s) => s.status?.readyReplicas === 3);
    await patch('part', 'db', 'json', [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:2' }]);
    const v2 = await settled('part', 'db', (s) => s.status?.updatedReplicas === 1);
    assert.deepEqual(await images('part'), ['db-0=nginx:1', 'db-1=nginx:1', 'db-2=nginx:2']);
    assert.equal(v2.status?.currentRevision, v1.status?.currentRevision, 'the current revision stays until all are updated');
    assert.deepEqual([v2.status?.currentReplicas, v2.status?.updatedReplicas], [2, 1]);
    assert.match(ok(await k(['rollout', 'status', 'sts/db', '-n', 'part', '--timeout=20s'])), /partitioned roll out complete: 1 new pods have been updated/);
    ok(await k(['delete', 'pod', 'db-0', '-n', 'part']), 'delete db-0');
    await settled('part', 'db', (s) => s.status?.readyReplicas === 3 && s.status?.currentReplicas === 2);
    assert.deepEqual(await images('part'), ['db-0=nginx:1', 'db-1=nginx:1', 'db-2=nginx:2']);
    await patch('part', 'db', 'merge', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    const done = await settled('part', 'db', (s) => s.status?.updatedReplicas === 3 && s.status?.currentRevision === s.status?.updateRevision);
    assert.equal(done.status?.currentReplicas, 3);
    assert.deepEqual(await images('part'), ['db-0=nginx:2', 'db-1=nginx:2', 'db-2=nginx:2']);
  });

  it('OnDelete replaces nothing by itself and never advances currentRevision (D15, D16)', async () => {
    const events = await setUp('ondel', manifest('kv', 2, { type: 'OnDelete' }));
    const v1 = await settled('ondel', 'kv', (s) => s.status?.readyReplicas === 2);
    events.log.length = 0;
    await patch('ondel', 'kv', 'json', [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:2' }]);
    const v2 = await settled('ondel', 'kv', (s) => s.status?.updateRevision !== v1.status?.updateRevision);
    assert.deepEqual(events.log, []);
    assert.deepEqual(await images('ondel'), ['kv-0=nginx:1', 'kv-1=nginx:1']);
    assert.equal(v2.status?.currentRevision, v1.status?.currentRevision);
    ok(await k(['delete', 'pod', 'kv-1', '-n', 'ondel']), 'delete kv-1');
    const v3 = await settled('ondel', 'kv', (s) => s.status?.updatedReplicas === 1 && s.status?.readyReplicas === 2);
    assert.deepEqual(await images('ondel'), ['kv-0=nginx:1', 'kv-1=nginx:2']);
    assert.equal(v3.status?.currentRevision, v1.status?.currentRevision);
    assert.match(fails(await k(['rollout', 'status', 'sts/kv', '-n', 'ondel'])), /rollout status is only available for RollingUpdate strategy type/);
  });

  it('keeps revisionHistoryLimit old revisions besides the live ones (D8)', async () => {
    await setUp('hist', manifest('h', 1, { type: 'RollingUpdate' }, { revisionHistoryLimit: 1 }));
    await settled('hist', 'h', (s) => s.status?.readyReplicas === 1);
    for (const image of ['nginx:2', 'nginx:3', 'nginx:4']) {
      await patch('hist', 'h', 'json', [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }]);
      await settled('hist', 'h', (s) => s.status?.updatedReplicas === 1 && s.status?.currentRevision === s.status?.updateRevision);
    }
    const revs = await eventually(async () => {
      const items = (await cluster.client.list<Rev>(ControllerRevisions, { namespace: 'hist' })).items;
      return items.length === 2 ? items : undefined;
    }, 'history truncated to the live revision and one more');
    assert.deepEqual(revs.map((r) => r.revision).sort(), [3, 4]);
  });

  it('takes the next collision count when a different revision holds the name (D6)', async () => {
    namespaces.push('coll');
    await createNamespace(cluster.client, 'coll');
    kubelets.push(new FakeKubelet(cluster.client, 'coll').start());
    const spec = manifest('c', 1, { type: 'RollingUpdate' });
    // Learn the name the set's first revision gets, then give that name to an unrelated revision.
    ok(await k(['create', '-n', 'coll', '-f', '-'], { input: spec }), 'create');
    const first = await settled('coll', 'c', (s) => s.status?.readyReplicas === 1);
    const name = String(first.status?.updateRevision);
    ok(await k(['delete', 'sts', 'c', '-n', 'coll']), 'delete');
    await eventually(async () => (await podsOf(cluster.client, 'coll')).length === 0
      && (await cluster.client.list(ControllerRevisions, { namespace: 'coll' })).items.length === 0, 'pods and revisions collected');
    await cluster.client.create(ControllerRevisions, { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name, namespace: 'coll', labels: { other: 'x' } }, data: { other: true }, revision: 1 });
    ok(await k(['create', '-n', 'coll', '-f', '-'], { input: spec }), 'create again');
    const s = await settled('coll', 'c', (x) => x.status?.collisionCount === 1 && x.status?.readyReplicas === 1);
    assert.notEqual(s.status?.updateRevision, name);
    const ours = await cluster.client.get<Rev>(ControllerRevisions, { namespace: 'coll', name: String(s.status?.updateRevision) });
    assert.equal(ours.metadata?.ownerReferences?.[0]?.uid, s.metadata?.uid);
  });
});
