// Identity and ownership (groups a, b, h): spec.ordinals.start, adoption of orphans and what is
// not adopted, release, identity labels restored (pod-index deliberately not), a claim being
// deleted blocking its pod with the upstream event, and a set being deleted creating nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ControllerRevisions, Events, PersistentVolumeClaims, Pods, StatefulSets, type KubeObject } from '../../src/core/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually } from './helpers.js';
import {
  createNamespace, deleteNamespace, FakeKubelet, isReady, PodEvents, podsOf, releaseClaims, startStatefulSetCluster, type Pod,
} from './statefulset-helpers.js';

type Sts = KubeObject & { status?: { readyReplicas?: number; replicas?: number } };

function sts(name: string, replicas: number, extra: object = {}, claims = false): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name },
    spec: {
      replicas, serviceName: name, selector: { matchLabels: { app: name } }, ...extra,
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
      ...(claims ? { volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] } : {}),
    },
  };
}
const pod = (name: string, labels: Record<string, string>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } });

describe('StatefulSet identity and ownership', () => {
  let cluster: TestCluster;
  const stops: (() => Promise<void>)[] = [];
  const namespaces: string[] = [];

  before(async () => { cluster = await startStatefulSetCluster(); });
  after(async () => {
    for (const stop of stops) await stop();
    for (const ns of namespaces) await deleteNamespace(cluster.client, ns);
    await cluster?.stop();
  });

  async function setUp(ns: string): Promise<PodEvents> {
    namespaces.push(ns);
    await createNamespace(cluster.client, ns);
    const kubelet = new FakeKubelet(cluster.client, ns).start();
    const events = await new PodEvents(cluster.client, ns).start();
    stops.push(() => kubelet.stop(), () => events.stop());
    return events;
  }
  const c = () => cluster.client;
  const create = (ns: string, kind: typeof Pods, obj: KubeObject) => c().create(kind, { ...obj, metadata: { ...obj.metadata, namespace: ns } });
  const getPod = (ns: string, name: string) => c().get<Pod>(Pods, { namespace: ns, name });
  const readySet = (ns: string, name: string, n: number) => eventually(async () => {
    const s = await c().get<Sts>(StatefulSets, { namespace: ns, name });
    const pods = (await podsOf(c(), ns)).filter((p) => p.metadata!.ownerReferences?.some((r) => r.name === name));
    return s.status?.readyReplicas === n && pods.length === n && pods.every(isReady) ? s : undefined;
  }, `${name}: ${n} ready`);

  it('numbers pods from spec.ordinals.start and moves them when it changes (A2, A8)', async () => {
    const events = await setUp('ord');
    await create('ord', StatefulSets, sts('o', 2, { ordinals: { start: 5 } }));
    await readySet('ord', 'o', 2);
    const pods = await podsOf(c(), 'ord');
    assert.deepEqual(pods.map((p) => [p.metadata!.name, p.metadata!.labels!['apps.kubernetes.io/pod-index'], p.spec?.hostname]), [['o-5', '5', 'o-5'], ['o-6', '6', 'o-6']]);
    events.log.length = 0;
    await c().patch(StatefulSets, { namespace: 'ord', name: 'o' }, 'merge', { spec: { ordinals: { start: 0 } } });
    await eventually(async () => (await podsOf(c(), 'ord')).map((p) => p.metadata!.name).join() === 'o-0,o-1', 'pods renumbered');
    assert.deepEqual(events.log, ['add o-0', 'ready o-0', 'add o-1', 'ready o-1', 'delete o-6', 'delete o-5']);
  });

  it('adopts a matching orphan member, restores its identity labels, and leaves non-members alone (A4, A12, A15)', async () => {
    await setUp('adopt');
    const orphan = await create('adopt', Pods, pod('a-0', { app: 'a' }));
    await create('adopt', Pods, pod('a-extra', { app: 'a' }));
    await create('adopt', Pods, pod('b-0', { app: 'a' }));
    const set = await create('adopt', StatefulSets, sts('a', 1, { updateStrategy: { type: 'OnDelete' } }));
    const adopted = await eventually(async () => {
      const p = await getPod('adopt', 'a-0');
      return p.metadata?.labels?.['statefulset.kubernetes.io/pod-name'] ? p : undefined;
    }, 'a-0 adopted and labelled');
    assert.equal(adopted.metadata!.uid, orphan.metadata!.uid, 'adopted, not replaced');
    assert.deepEqual(adopted.metadata!.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'a', uid: set.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(adopted.metadata!.labels, { app: 'a', 'statefulset.kubernetes.io/pod-name': 'a-0', 'apps.kubernetes.io/pod-index': '0' });
    for (const name of ['a-extra', 'b-0']) assert.equal((await getPod('adopt', name)).metadata!.ownerReferences, undefined, `${name} is no member`);
  });

  it('releases a pod whose labels stop matching, and replaces it once the orphan is gone (A16)', async () => {
    const released = await c().patch<Pod>(Pods, { namespace: 'adopt', name: 'a-0' }, 'merge', { metadata: { labels: { app: 'elsewhere' } } });
    await eventually(async () => !(await getPod('adopt', 'a-0')).metadata!.ownerReferences, 'a-0 released');
    await c().delete(Pods, { namespace: 'adopt', name: 'a-0' });
    const replacement = await eventually(async () => {
      const p = await getPod('adopt', 'a-0').catch(() => undefined);
      return p && p.metadata!.uid !== released.metadata!.uid && p.metadata!.ownerReferences?.length ? p : undefined;
    }, 'a-0 recreated by the set');
    assert.equal(replacement.metadata!.labels!.app, 'a');
  });

  it('restores a removed pod-name label but not a removed pod-index label (A12, A13)', async () => {
    await readySet('adopt', 'a', 1);
    const remove = (label: string) => c().patch(Pods, { namespace: 'adopt', name: 'a-0' }, 'json',
      [{ op: 'remove', path: `/metadata/labels/${label.replace('/', '~1')}` }]);
    await remove('apps.kubernetes.io/pod-index');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await getPod('adopt', 'a-0')).metadata!.labels!['apps.kubernetes.io/pod-index'], undefined);
    await remove('statefulset.kubernetes.io/pod-name');
    const fixed = await eventually(async () => {
      const p = await getPod('adopt', 'a-0');
      return p.metadata!.labels!['statefulset.kubernetes.io/pod-name'] === 'a-0' ? p : undefined;
    }, 'pod-name restored');
    assert.equal(fixed.metadata!.labels!['apps.kubernetes.io/pod-index'], '0', 'restoring identity writes both labels');
  });

  it('does not create a pod while its claim is being deleted, with the upstream event (B8)', async () => {
    await setUp('held');
    await create('held', PersistentVolumeClaims, {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'www-h-0', finalizers: ['berth.test/hold'] },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    const old = await c().delete(PersistentVolumeClaims, { namespace: 'held', name: 'www-h-0' });
    await create('held', StatefulSets, sts('h', 1, {}, true));
    const event = await eventually(async () => (await c().list<KubeObject & { reason?: string; message?: string; type?: string }>(Events, { namespace: 'held' }))
      .items.find((e) => e.reason === 'FailedCreate'), 'FailedCreate event');
    assert.equal(event.type, 'Warning');
    assert.equal(event.message, 'create Pod h-0 in StatefulSet h failed error: pvc www-h-0 is being deleted');
    assert.equal((await podsOf(c(), 'held')).length, 0);
    await c().patch(PersistentVolumeClaims, { namespace: 'held', name: 'www-h-0' }, 'merge', { metadata: { finalizers: null } });
    await releaseClaims(c(), 'held');
    await readySet('held', 'h', 1);
    const claim = await c().get(PersistentVolumeClaims, { namespace: 'held', name: 'www-h-0' });
    assert.notEqual(claim.metadata!.uid, old.metadata!.uid, 'a new claim');
  });

  it('gives a Pending pod back a claim that went missing (B9)', async () => {
    const kubeletHeld = new FakeKubelet(c(), 'miss');
    namespaces.push('miss');
    await createNamespace(c(), 'miss');
    kubeletHeld.hold.add('m-0');
    stops.push(() => kubeletHeld.stop());
    kubeletHeld.start();
    await create('miss', StatefulSets, sts('m', 1, {}, true));
    const first = await eventually(() => c().get(PersistentVolumeClaims, { namespace: 'miss', name: 'www-m-0' }).catch(() => undefined), 'claim');
    await eventually(async () => (await podsOf(c(), 'miss')).length === 1, 'pod');
    await c().delete(PersistentVolumeClaims, { namespace: 'miss', name: 'www-m-0' });
    await releaseClaims(c(), 'miss');
    // Claims wake no set (B10): the next pod event does.
    await c().patch(Pods, { namespace: 'miss', name: 'm-0' }, 'merge', { metadata: { annotations: { touched: 'yes' } } });
    const again = await eventually(() => c().get(PersistentVolumeClaims, { namespace: 'miss', name: 'www-m-0' }).catch(() => undefined), 'claim recreated');
    assert.notEqual(again.metadata!.uid, first.metadata!.uid);
  });

  it('adopts the pods and revisions an orphaning delete left behind when the set comes back (A17, H5, H8)', async () => {
    await setUp('orph');
    await create('orph', StatefulSets, sts('r', 2));
    const before = await readySet('orph', 'r', 2);
    const pods = new Map((await podsOf(c(), 'orph')).map((p) => [p.metadata!.name!, p.metadata!.uid!]));
    await c().delete(StatefulSets, { namespace: 'orph', name: 'r' }, { propagationPolicy: 'Orphan' });
    await eventually(async () => (await podsOf(c(), 'orph')).every((p) => !p.metadata!.ownerReferences), 'pods orphaned');
    const revs = await eventually(async () => {
      const items = (await c().list(ControllerRevisions, { namespace: 'orph' })).items;
      return items.length === 1 && !items[0].metadata!.ownerReferences ? items : undefined;
    }, 'revision orphaned');
    const set = await create('orph', StatefulSets, sts('r', 2));
    const after = await readySet('orph', 'r', 2);
    assert.equal(after.status?.replicas, 2);
    assert.equal((after.status as { updateRevision?: string }).updateRevision, (before.status as { updateRevision?: string }).updateRevision);
    for (const p of await podsOf(c(), 'orph')) {
      assert.equal(p.metadata!.uid, pods.get(p.metadata!.name!), `${p.metadata!.name} kept`);
      assert.equal(p.metadata!.ownerReferences?.[0]?.uid, set.metadata!.uid);
    }
    const adopted = (await c().list(ControllerRevisions, { namespace: 'orph' })).items;
    assert.deepEqual(adopted.map((r) => [r.metadata!.name, r.metadata!.ownerReferences?.[0]?.uid]), [[revs[0].metadata!.name, set.metadata!.uid]]);
  });

  it('creates nothing for a set that is being deleted (C3, H4)', async () => {
    const events = await setUp('fg');
    await create('fg', StatefulSets, sts('g', 2));
    await readySet('fg', 'g', 2);
    events.log.length = 0;
    await c().delete(StatefulSets, { namespace: 'fg', name: 'g' }, { propagationPolicy: 'Foreground' });
    await eventually(async () => {
      try { await c().get(StatefulSets, { namespace: 'fg', name: 'g' }); return false; } catch { return true; }
    }, 'set gone after its pods');
    assert.deepEqual(events.log.filter((l) => !l.startsWith('ready')).sort(), ['delete g-0', 'delete g-1']);
    assert.equal((await podsOf(c(), 'fg')).length, 0);
  });
});
