// The seed walkthrough's StatefulSet through the real kubectl, OrderedReady (groups a, b, c, d, h):
// web-0 then web-1, claims www-web-0/www-web-1 with the selector's labels, identity on the pods,
// events, READY 2/2 and `rollout status`, deleted pods coming back with the same claims,
// scale 2→5→1 keeping every claim, and deleting the set keeping the claims.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ControllerRevisions, Events, PersistentVolumeClaims, Pods, StatefulSets, type KubeObject } from '../../src/core/index.js';
import { KUBECTL_VERSIONS, type TestCluster } from '../../src/testing/index.js';
import { eventually, ok, SEED, tableRows } from './helpers.js';
import { createNamespace, deleteNamespace, FakeKubelet, isReady, PodEvents, podsOf, startStatefulSetCluster } from './statefulset-helpers.js';

const NS = 'seed';
type Sts = KubeObject & { status?: Record<string, unknown>; spec?: Record<string, unknown> };

describe('StatefulSet web from the seed (OrderedReady)', () => {
  let cluster: TestCluster;
  let kubelet: FakeKubelet;
  let events: PodEvents;
  let k: ReturnType<TestCluster['kubectl']>;
  const claimUids = new Map<string, string>();

  before(async () => {
    cluster = await startStatefulSetCluster();
    k = cluster.kubectl('33');
    await createNamespace(cluster.client, NS);
    kubelet = new FakeKubelet(cluster.client, NS).start();
    events = await new PodEvents(cluster.client, NS).start();
  });
  after(async () => {
    await kubelet?.stop();
    await events?.stop();
    if (cluster) await deleteNamespace(cluster.client, NS);
    await cluster?.stop();
  });

  const sts = () => cluster.client.get<Sts>(StatefulSets, { namespace: NS, name: 'web' });
  const readyPods = async (n: number) => {
    const pods = await podsOf(cluster.client, NS);
    return pods.length === n && pods.every((p) => isReady(p) && !p.metadata?.deletionTimestamp) ? pods : undefined;
  };

  it('creates web-0, waits for it to be Ready, then creates web-1', async () => {
    ok(await k(['create', '-n', NS, '-f', join(SEED, 'statefulset.yaml')]), 'create sts');
    await eventually(() => readyPods(2), 'two ready pods');
    assert.deepEqual(events.log.slice(0, 4), ['add web-0', 'ready web-0', 'add web-1', 'ready web-1']);
    const out = ok(await k(['rollout', 'status', 'sts/web', '-n', NS, '--timeout=30s']), 'rollout status');
    assert.match(out, /partitioned roll out complete: 2 new pods have been updated/);
    for (const version of KUBECTL_VERSIONS) {
      const rows = tableRows(ok(await cluster.kubectl(version)(['get', 'sts', '-n', NS]), `kubectl 1.${version} get sts`));
      assert.deepEqual(rows[0], ['NAME', 'READY', 'AGE']);
      assert.deepEqual(rows[1].slice(0, 2), ['web', '2/2']);
      assert.match(ok(await cluster.kubectl(version)(['rollout', 'status', 'sts/web', '-n', NS])), /partitioned roll out complete/);
    }
  });

  it('gives each pod its identity, claim volume and owner', async () => {
    const set = await sts();
    const [revision] = (await cluster.client.list(ControllerRevisions, { namespace: NS })).items;
    for (const [i, pod] of (await podsOf(cluster.client, NS)).entries()) {
      const name = `web-${i}`;
      assert.equal(pod.metadata?.name, name);
      assert.equal(pod.metadata?.generateName, 'web-');
      assert.deepEqual(pod.metadata?.labels, {
        app: 'nginx', 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i),
        'controller-revision-hash': revision.metadata!.name,
      });
      assert.equal(pod.spec?.hostname, name);
      assert.equal(pod.spec?.subdomain, 'nginx');
      assert.deepEqual(pod.spec?.volumes?.find((v) => v.name === 'www'), { name: 'www', persistentVolumeClaim: { claimName: `www-${name}` } });
      assert.deepEqual(pod.metadata?.ownerReferences, [{
        apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata!.uid, controller: true, blockOwnerDeletion: true,
      }]);
    }
  });

  it('creates the claims from the template with the selector labels and no owner', async () => {
    const out = ok(await k(['get', 'pvc', '-n', NS, '-l', 'app=nginx', '-o', 'json']));
    const claims = (JSON.parse(out) as { items: KubeObject[] }).items;
    assert.deepEqual(claims.map((c) => c.metadata!.name), ['www-web-0', 'www-web-1']);
    for (const c of claims) {
      const spec = c.spec as { accessModes: string[]; resources: { requests: { storage: string } }; storageClassName: string };
      assert.deepEqual(c.metadata!.labels, { app: 'nginx' });
      assert.equal(c.metadata!.ownerReferences, undefined);
      assert.deepEqual(spec.accessModes, ['ReadWriteOnce']);
      assert.equal(spec.resources.requests.storage, '1Gi');
      assert.equal(spec.storageClassName, 'local-path');
      claimUids.set(c.metadata!.name!, c.metadata!.uid!);
    }
  });

  it('records upstream events on the set', async () => {
    const recorded = await eventually(async () => {
      const list = (await cluster.client.list<KubeObject>(Events, { namespace: NS })).items;
      return list.length >= 4 ? list : undefined;
    }, 'events');
    const messages = recorded.map((e) => `${e.type} ${e.reason} ${e.message}`);
    for (const m of [
      'Normal SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success',
      'Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful',
      'Normal SuccessfulCreate create Claim www-web-1 Pod web-1 in StatefulSet web success',
      'Normal SuccessfulCreate create Pod web-1 in StatefulSet web successful',
    ]) assert.ok(messages.includes(m), `missing event ${m} in ${messages.join('\n')}`);
    const ev = recorded[0] as KubeObject & { source?: { component?: string }; involvedObject?: { kind?: string; name?: string } };
    assert.equal(ev.source?.component, 'statefulset-controller');
    assert.deepEqual([ev.involvedObject?.kind, ev.involvedObject?.name], ['StatefulSet', 'web']);
  });

  it('reports status with observedGeneration and revisions', async () => {
    const set = await sts();
    const st = set.status as Record<string, unknown>;
    assert.equal(st.observedGeneration, set.metadata!.generation);
    assert.deepEqual([st.replicas, st.readyReplicas, st.availableReplicas, st.currentReplicas, st.updatedReplicas], [2, 2, 2, 2, 2]);
    assert.equal(st.currentRevision, st.updateRevision);
    assert.match(String(st.updateRevision), /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(st.collisionCount, 0);
  });

  it('brings deleted pods back with the same names and claims', async () => {
    const before = new Map((await podsOf(cluster.client, NS)).map((p) => [p.metadata!.name!, p.metadata!.uid!]));
    ok(await k(['delete', 'pod', '-n', NS, '-l', 'app=nginx']), 'delete pods');
    const pods = await eventually(async () => {
      const ps = await readyPods(2);
      return ps && ps.every((p) => p.metadata!.uid !== before.get(p.metadata!.name!)) ? ps : undefined;
    }, 'replacement pods');
    assert.deepEqual(pods.map((p) => p.metadata!.name), ['web-0', 'web-1']);
    assert.deepEqual(pods.map((p) => p.spec?.volumes?.[0]?.persistentVolumeClaim?.claimName), ['www-web-0', 'www-web-1']);
    const claims = (await cluster.client.list(PersistentVolumeClaims, { namespace: NS })).items;
    assert.deepEqual(new Map(claims.map((c) => [c.metadata!.name!, c.metadata!.uid!])), claimUids);
  });

  it('scales 2→5→1 in order and keeps every claim', async () => {
    events.log.length = 0;
    ok(await k(['scale', 'sts/web', '-n', NS, '--replicas=5']), 'scale up');
    await eventually(() => readyPods(5), 'five ready pods');
    assert.deepEqual(events.log, ['add web-2', 'ready web-2', 'add web-3', 'ready web-3', 'add web-4', 'ready web-4']);
    events.log.length = 0;
    ok(await k(['scale', 'sts/web', '-n', NS, '--replicas=1']), 'scale down');
    await eventually(() => readyPods(1), 'one pod left');
    assert.deepEqual(events.log, ['delete web-4', 'delete web-3', 'delete web-2', 'delete web-1']);
    const claims = (await cluster.client.list(PersistentVolumeClaims, { namespace: NS })).items.map((c) => c.metadata!.name).sort();
    assert.deepEqual(claims, ['www-web-0', 'www-web-1', 'www-web-2', 'www-web-3', 'www-web-4']);
    const deletes = (await cluster.client.list<KubeObject & { reason?: string; message?: string }>(Events, { namespace: NS })).items
      .filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message).sort();
    assert.deepEqual(deletes, [1, 2, 3, 4].map((i) => `delete Pod web-${i} in StatefulSet web successful`));
    const st = (await eventually(async () => { const s = await sts(); return (s.status as { replicas?: number }).replicas === 1 ? s : undefined; }, 'status')).status!;
    assert.deepEqual([st.replicas, st.readyReplicas, st.currentReplicas, st.updatedReplicas], [1, 1, 1, 1]);
  });

  it('deletes the pods but keeps the claims when the set is deleted (default retention)', async () => {
    ok(await k(['delete', 'sts', 'web', '-n', NS]), 'delete sts');
    await eventually(async () => (await podsOf(cluster.client, NS)).length === 0, 'pods to go');
    const claims = (await cluster.client.list(PersistentVolumeClaims, { namespace: NS })).items;
    assert.equal(claims.length, 5);
    assert.ok(claims.every((c) => !c.metadata?.deletionTimestamp && !c.metadata?.ownerReferences));
    const pods = (await cluster.client.list(Pods, { namespace: NS })).items;
    assert.equal(pods.length, 0);
  });
});
