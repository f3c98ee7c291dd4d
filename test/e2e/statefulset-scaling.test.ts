// Pod management (group c): Parallel slow-start batches and eager scale-down, OrderedReady
// blocked by an unhealthy pod, the first-unhealthy rule, Failed pods replaced, minReadySeconds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Pods, StatefulSets, type KubeObject } from '../../src/core/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually } from './helpers.js';
import {
  createNamespace, deleteNamespace, FakeKubelet, isReady, PodEvents, podsOf, setPhase, setReady, startStatefulSetCluster, type Pod,
} from './statefulset-helpers.js';

type Sts = KubeObject & { status?: Record<string, number | string | undefined> };

function sts(name: string, replicas: number, extra: object = {}): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name },
    spec: {
      replicas, serviceName: name, selector: { matchLabels: { app: name } }, ...extra,
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
    },
  };
}

describe('StatefulSet pod management', () => {
  let cluster: TestCluster;
  const namespaces: string[] = [];
  const stops: (() => Promise<void>)[] = [];

  before(async () => { cluster = await startStatefulSetCluster(); });
  after(async () => {
    for (const stop of stops) await stop();
    for (const ns of namespaces) await deleteNamespace(cluster.client, ns);
    await cluster?.stop();
  });

  async function setUp(ns: string): Promise<{ kubelet: FakeKubelet; events: PodEvents }> {
    namespaces.push(ns);
    await createNamespace(cluster.client, ns);
    const kubelet = new FakeKubelet(cluster.client, ns).start();
    const events = await new PodEvents(cluster.client, ns).start();
    stops.push(() => kubelet.stop(), () => events.stop());
    return { kubelet, events };
  }
  const create = (ns: string, obj: KubeObject) => cluster.client.create(StatefulSets, { ...obj, metadata: { ...obj.metadata, namespace: ns } });
  const scale = (ns: string, name: string, replicas: number) =>
    cluster.client.patch(StatefulSets, { namespace: ns, name }, 'merge', { spec: { replicas } });
  const status = async (ns: string, name: string) => (await cluster.client.get<Sts>(StatefulSets, { namespace: ns, name })).status ?? {};
  const names = async (ns: string) => (await podsOf(cluster.client, ns)).map((p) => p.metadata!.name!);
  const unready = async (ns: string, name: string) => {
    const pod = await cluster.client.get<Pod>(Pods, { namespace: ns, name });
    await cluster.client.updateStatus(Pods, { ...pod, status: { ...pod.status, conditions: pod.status!.conditions!.map((c) => ({ ...c, status: c.type === 'Ready' || c.type === 'ContainersReady' ? 'False' : c.status })) } });
  };

  it('Parallel creates every pod without waiting, in batches of 1, 2, 4, … (C10)', async () => {
    const { kubelet, events } = await setUp('par');
    for (let i = 0; i < 10; i++) kubelet.hold.add(`p-${i}`);
    await create('par', sts('p', 10, { podManagementPolicy: 'Parallel' }));
    await eventually(async () => (await names('par')).length === 10, 'ten pods');
    const adds = events.log.filter((l) => l.startsWith('add ')).map((l) => Number(l.split('-')[1]));
    const batches = [adds.slice(0, 1), adds.slice(1, 3), adds.slice(3, 7), adds.slice(7, 10)].map((b) => [...b].sort((x, y) => x - y));
    assert.deepEqual(batches, [[0], [1, 2], [3, 4, 5, 6], [7, 8, 9]]);
    const st = await eventually(async () => { const s = await status('par', 'p'); return s.replicas === 10 ? s : undefined; }, 'status');
    assert.equal(st.readyReplicas ?? 0, 0);
  });

  it('Parallel scales down without waiting for readiness (C10)', async () => {
    await scale('par', 'p', 2);
    await eventually(async () => (await names('par')).join() === 'p-0,p-1', 'two pods left');
  });

  it('OrderedReady creates nothing past a pod that is not Ready (C8, C14)', async () => {
    const { kubelet, events } = await setUp('ord');
    kubelet.hold.add('o-0');
    await create('ord', sts('o', 3));
    await eventually(async () => (await status('ord', 'o')).replicas === 1, 'o-0 created');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await names('ord'), ['o-0']);
    kubelet.hold.delete('o-0');
    await eventually(async () => (await status('ord', 'o')).readyReplicas === 3, 'three ready');
    assert.deepEqual(events.log, ['add o-0', 'ready o-0', 'add o-1', 'ready o-1', 'add o-2', 'ready o-2']);
  });

  it('OrderedReady scale-down waits for unhealthy replicas, but deletes the first unhealthy condemned pod (C6, C7)', async () => {
    const { events } = await setUp('down');
    await create('down', sts('d', 3));
    await eventually(async () => (await status('down', 'd')).readyReplicas === 3, 'three ready');
    events.log.length = 0;
    await unready('down', 'd-0');
    await scale('down', 'd', 1);
    await eventually(async () => (await status('down', 'd')).readyReplicas === 2, 'status sees d-0 unready');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await names('down'), ['d-0', 'd-1', 'd-2'], 'an unready replica blocks scale-down');
    await setReady(cluster.client, await cluster.client.get<Pod>(Pods, { namespace: 'down', name: 'd-0' }));
    await eventually(async () => (await names('down')).join() === 'd-0', 'scaled down');
    assert.deepEqual(events.log.filter((l) => l.startsWith('delete')), ['delete d-2', 'delete d-1']);

    await scale('down', 'd', 3);
    await eventually(async () => (await status('down', 'd')).readyReplicas === 3, 'three ready again');
    events.log.length = 0;
    await unready('down', 'd-1');
    await scale('down', 'd', 1);
    // d-1 is the first unhealthy pod: once d-2 is gone it is deleted although it is not Ready.
    await eventually(async () => (await names('down')).join() === 'd-0', 'scaled down past the unhealthy pod');
    assert.deepEqual(events.log.filter((l) => l.startsWith('delete')), ['delete d-2', 'delete d-1']);
  });

  it('deletes a Failed pod and recreates it with the same name (C4a, B22)', async () => {
    await setUp('fail');
    await create('fail', sts('f', 2));
    await eventually(async () => (await status('fail', 'f')).readyReplicas === 2, 'two ready');
    const before = await cluster.client.get<Pod>(Pods, { namespace: 'fail', name: 'f-1' });
    await setPhase(cluster.client, before, 'Failed');
    const after = await eventually(async () => {
      const p = await cluster.client.get<Pod>(Pods, { namespace: 'fail', name: 'f-1' }).catch(() => undefined);
      return p && p.metadata!.uid !== before.metadata!.uid && isReady(p) ? p : undefined;
    }, 'f-1 replaced');
    assert.equal(after.metadata!.name, 'f-1');
  });

  it('counts pods available only after minReadySeconds and waits for that before the next pod (C1, D23)', async () => {
    const { events } = await setUp('mrs');
    await create('mrs', sts('m', 2, { minReadySeconds: 2 }));
    const early = await eventually(async () => { const s = await status('mrs', 'm'); return s.readyReplicas === 1 ? s : undefined; }, 'm-0 ready');
    assert.equal(early.availableReplicas, 0);
    assert.deepEqual(await names('mrs'), ['m-0'], 'm-1 waits until m-0 is available');
    const late = await eventually(async () => { const s = await status('mrs', 'm'); return s.availableReplicas === 2 ? s : undefined; }, 'both available', 20_000);
    assert.equal(late.readyReplicas, 2);
    assert.deepEqual(events.log, ['add m-0', 'ready m-0', 'add m-1', 'ready m-1']);
  });
});
