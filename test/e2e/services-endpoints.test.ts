// Endpoints and EndpointSlices of Services, end to end: sim nodes run the pods (IPs, Ready),
// the controllers keep both kinds current, the real kubectl prints them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EndpointSlices, Pods, Services, Endpoints as EndpointsType, StatefulSets } from '../../src/core/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually, ok, tableRows } from './helpers.js';
import { getPod, pod, podPhase, type PodObject } from './node-support.js';
import {
  endpointIPs, endpointsOf, slicesOf, startEndpointsCluster, ZONE, type EndpointsObject, type SliceObject,
} from './services-endpoints-support.js';

const GATE = 'berth.dev/ready';
const svc = (name: string, spec: Record<string, unknown>, labels?: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) }, spec,
});
const webPod = (name: string, labels: Record<string, string>, extra: Partial<NonNullable<PodObject['spec']>> = {}) =>
  pod(name, { containers: [{ name: 'app', image: 'nginx:1.9.1', ports: [{ name: 'http', containerPort: 8080 }] }], ...extra }, labels);

async function setGate(c: TestCluster, name: string, status: 'True' | 'False'): Promise<void> {
  await c.client.patch(Pods, { namespace: 'default', name }, 'strategic', { status: { conditions: [{ type: GATE, status }] } }, { subresource: 'status' });
}

describe('Endpoints and EndpointSlice controllers', () => {
  let c: TestCluster;
  before(async () => { c = await startEndpointsCluster(); });
  after(async () => { await c?.stop(); });

  it('lists the selected running pods with their resolved named targetPort in both kinds', async () => {
    await c.client.create(Services, svc('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }, { tier: 'front' }));
    for (const n of ['web-a', 'web-b']) await c.client.create(Pods, webPod(n, { app: 'web' }));
    await c.client.create(Pods, webPod('other', { app: 'other' }));
    const pods = await Promise.all(['web-a', 'web-b'].map((n) => podPhase(c, n, 'Running')));
    const ips = pods.map((p) => p.status!.podIP!).sort();

    const ep = await eventually(async () => {
      const e = await endpointsOf(c, 'web');
      return endpointIPs(e).ready.length === 2 ? e : undefined;
    }, 'Endpoints web with two ready addresses');
    assert.deepEqual(endpointIPs(ep).ready, ips);
    assert.equal(ep.subsets!.length, 1);
    assert.deepEqual(ep.subsets![0]!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const a = ep.subsets![0]!.addresses!.find((x) => x.targetRef?.name === 'web-a')!;
    const podA = pods.find((p) => p.metadata!.name === 'web-a')!;
    assert.deepEqual(a, { ip: podA.status!.podIP, nodeName: podA.spec!.nodeName, targetRef: { kind: 'Pod', namespace: 'default', name: 'web-a', uid: podA.metadata!.uid } });
    assert.equal(ep.metadata!.labels!.tier, 'front', 'the service labels');
    assert.equal(ep.metadata!.labels!['endpoints.kubernetes.io/managed-by'], 'endpoint-controller');
    assert.equal(ep.metadata!.labels!['service.kubernetes.io/headless'], undefined);
    // Present only when a pod's Ready transition or the service's creation is new since the last sync.
    const trigger = ep.metadata!.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'];
    if (trigger) assert.match(trigger, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    const slice = await eventually(async () => {
      const s = await slicesOf(c, 'web');
      return s.length === 1 && s[0]!.endpoints.length === 2 ? s[0] : undefined;
    }, 'one EndpointSlice with two endpoints');
    const service = await c.client.get(Services, { namespace: 'default', name: 'web' });
    assert.match(slice.metadata!.name!, /^web-[a-z0-9]{5}$/);
    assert.equal(slice.metadata!.generateName, 'web-');
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.metadata!.labels, {
      tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    assert.deepEqual(slice.metadata!.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: service.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const e = slice.endpoints.find((x) => x.targetRef?.name === 'web-a')!;
    assert.deepEqual(e, {
      addresses: [podA.status!.podIP], conditions: { ready: true, serving: true, terminating: false },
      nodeName: podA.spec!.nodeName, targetRef: { kind: 'Pod', namespace: 'default', name: 'web-a', uid: podA.metadata!.uid }, zone: ZONE,
    });
  });

  it('moves an address between ready and not ready as the pod Ready condition flips', async () => {
    await c.client.create(Pods, webPod('web-gated', { app: 'web' }, { readinessGates: [{ conditionType: GATE }] }));
    const p = await podPhase(c, 'web-gated', 'Running');
    const ip = p.status!.podIP!;
    const sliceEndpoint = async () => (await slicesOf(c, 'web')).flatMap((s) => s.endpoints).find((x) => x.targetRef?.name === 'web-gated');

    await eventually(async () => endpointIPs(await endpointsOf(c, 'web')).notReady.includes(ip), 'gated pod listed not ready');
    assert.ok(!endpointIPs(await endpointsOf(c, 'web')).ready.includes(ip));
    assert.deepEqual((await eventually(sliceEndpoint, 'gated pod in the slice'))!.conditions, { ready: false, serving: false, terminating: false });

    await setGate(c, 'web-gated', 'True');
    await eventually(async () => endpointIPs(await endpointsOf(c, 'web')).ready.includes(ip), 'gated pod moves to ready');
    assert.ok(!endpointIPs(await endpointsOf(c, 'web')).notReady.includes(ip));
    await eventually(async () => (await sliceEndpoint())?.conditions?.ready === true, 'slice endpoint ready');

    await setGate(c, 'web-gated', 'False');
    await eventually(async () => endpointIPs(await endpointsOf(c, 'web')).notReady.includes(ip), 'back to not ready');
    await eventually(async () => (await sliceEndpoint())?.conditions?.serving === false, 'slice endpoint not serving');
  });

  it('drops a deleted pod; a pod label change moves it out', async () => {
    const before = endpointIPs(await endpointsOf(c, 'web'));
    const gone = await getPod(c, 'web-gated');
    await c.client.delete(Pods, { namespace: 'default', name: 'web-gated' });
    await eventually(async () => !endpointIPs(await endpointsOf(c, 'web')).notReady.includes(gone.status!.podIP!), 'deleted pod removed');
    await eventually(async () => !(await slicesOf(c, 'web')).some((s) => s.endpoints.some((e) => e.targetRef?.name === 'web-gated')), 'deleted pod leaves the slice');
    assert.deepEqual(endpointIPs(await endpointsOf(c, 'web')).ready, before.ready, 'the others stay');

    await c.client.patch(Pods, { namespace: 'default', name: 'web-b' }, 'merge', { metadata: { labels: { app: 'moved' } } });
    await eventually(async () => endpointIPs(await endpointsOf(c, 'web')).ready.length === 1, 'relabelled pod removed');
    await eventually(async () => (await slicesOf(c, 'web'))[0]?.endpoints.length === 1, 'relabelled pod leaves the slice');
  });

  it('gives StatefulSet pods behind a headless service their hostnames', async () => {
    await c.client.create(Services, svc('nginx', { clusterIP: 'None', selector: { app: 'nginx' }, ports: [{ name: 'web', port: 80 }] }));
    await c.client.create(StatefulSets, {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default' },
      spec: {
        serviceName: 'nginx', replicas: 2, selector: { matchLabels: { app: 'nginx' } },
        template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.9.1', ports: [{ name: 'web', containerPort: 80 }] }] } },
      },
    });
    const ep = await eventually(async () => {
      const e = await endpointsOf(c, 'nginx');
      return endpointIPs(e).ready.length === 2 ? e : undefined;
    }, 'two ready StatefulSet pods', 30_000);
    const hosts = ep.subsets!.flatMap((s) => s.addresses!.map((a) => [a.hostname, a.targetRef!.name])).sort();
    assert.deepEqual(hosts, [['web-0', 'web-0'], ['web-1', 'web-1']]);
    assert.equal(ep.metadata!.labels!['service.kubernetes.io/headless'], '');
    const slices = await eventually(async () => {
      const s = await slicesOf(c, 'nginx');
      return s.length === 1 && s[0]!.endpoints.length === 2 ? s : undefined;
    }, 'headless slice');
    assert.deepEqual(slices[0]!.endpoints.map((e) => e.hostname).sort(), ['web-0', 'web-1']);
    assert.equal(slices[0]!.metadata!.labels!['service.kubernetes.io/headless'], '');
    assert.deepEqual(slices[0]!.ports, [{ name: 'web', port: 80, protocol: 'TCP' }]);
  });

  it('publishes not-ready pods as ready with publishNotReadyAddresses', async () => {
    await c.client.create(Services, svc('peers', { clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'peer' }, ports: [{ port: 7000 }] }));
    await c.client.create(Pods, webPod('peer-0', { app: 'peer' }, { readinessGates: [{ conditionType: GATE }] }));
    const ip = (await podPhase(c, 'peer-0', 'Running')).status!.podIP!;
    const ep = await eventually(async () => {
      const e = await endpointsOf(c, 'peers');
      return endpointIPs(e).ready.includes(ip) ? e : undefined;
    }, 'not-ready pod published as ready');
    assert.deepEqual(ep.subsets![0]!.ports, [{ port: 7000, protocol: 'TCP' }]);
    const s = await eventually(async () => (await slicesOf(c, 'peers'))[0]?.endpoints[0], 'peers slice');
    assert.deepEqual(s.conditions, { ready: true, serving: false, terminating: false });
    assert.ok(!(await getPod(c, 'peer-0')).status!.conditions!.some((x) => x.type === 'Ready' && x.status === 'True'), 'the pod itself is not ready');
  });

  it('leaves a selector-less service\'s Endpoints to its user and mirrors them into a slice', async () => {
    await c.client.create(Services, svc('kube-dns', { clusterIP: 'None', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53 }] }, { 'k8s-app': 'kube-dns' }));
    const mine: EndpointsObject = {
      apiVersion: 'v1', kind: 'Endpoints',
      metadata: { name: 'kube-dns', namespace: 'default', labels: { 'k8s-app': 'kube-dns' }, annotations: { note: 'by hand' } },
      subsets: [{ addresses: [{ ip: '192.0.2.10', hostname: 'dns-0' }], notReadyAddresses: [{ ip: '192.0.2.11' }],
        ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }],
    };
    const created = await c.client.create(EndpointsType, mine);
    const slice = await eventually(async () => (await slicesOf(c, 'kube-dns'))[0], 'mirrored slice');
    assert.match(slice.metadata!.name!, /^kube-dns-[a-z0-9]{5}$/);
    assert.deepEqual(slice.metadata!.labels, {
      'k8s-app': 'kube-dns', 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
    });
    assert.deepEqual(slice.metadata!.annotations, { note: 'by hand' });
    assert.deepEqual(slice.metadata!.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'kube-dns', uid: created.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual([...slice.ports!].sort((a, b) => a.name!.localeCompare(b.name!)), [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }]);
    assert.deepEqual([...slice.endpoints].sort((a, b) => a.addresses[0]!.localeCompare(b.addresses[0]!)), [
      { addresses: ['192.0.2.10'], conditions: { ready: true }, hostname: 'dns-0' }, { addresses: ['192.0.2.11'], conditions: { ready: false } },
    ]);

    // The user's edits flow through; the controllers never rewrite the Endpoints themselves.
    await c.client.patch(EndpointsType, { namespace: 'default', name: 'kube-dns' }, 'merge', {
      subsets: [{ addresses: [{ ip: '192.0.2.12' }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }],
    });
    await eventually(async () => {
      const s = await slicesOf(c, 'kube-dns');
      return s.length === 1 && s[0]!.endpoints.length === 1 && s[0]!.endpoints[0]!.addresses[0] === '192.0.2.12';
    }, 'mirrored slice follows the edit');
    await c.client.create(Pods, webPod('web-c', { app: 'web' }));
    await eventually(async () => endpointIPs(await endpointsOf(c, 'web')).ready.length === 2, 'web-c listed');
    const after = (await endpointsOf(c, 'kube-dns'))!;
    assert.deepEqual(after.metadata!.labels, { 'k8s-app': 'kube-dns' }, 'no controller labels');
    assert.deepEqual(after.subsets!.map((ss) => ss.addresses!.map((a) => a.ip)), [['192.0.2.12']]);
    assert.ok(!(await slicesOf(c, 'kube-dns')).some((s) => s.metadata!.labels!['endpointslice.kubernetes.io/managed-by'] === 'endpointslice-controller.k8s.io'));

    // Opting out removes the mirror.
    await c.client.patch(EndpointsType, { namespace: 'default', name: 'kube-dns' }, 'merge', { metadata: { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } } });
    await eventually(async () => (await slicesOf(c, 'kube-dns')).length === 0, 'mirror removed on skip-mirror');
  });

  it('prints them through kubectl get ep / endpointslices', async () => {
    const k = c.kubectl('33');
    const ep = endpointIPs(await endpointsOf(c, 'web')).ready;
    const rows = tableRows(ok(await k(['get', 'ep', 'web'])));
    assert.deepEqual(rows[0], ['NAME', 'ENDPOINTS', 'AGE']);
    assert.deepEqual(rows[1]![1]!.split(',').map((x) => x.split(':')[0]).sort(), ep);
    assert.ok(rows[1]![1]!.split(',').every((x) => x.endsWith(':8080')));

    const slices = tableRows(ok(await k(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=nginx'])));
    assert.deepEqual(slices[0], ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    const nginx = endpointIPs(await endpointsOf(c, 'nginx')).ready;
    assert.equal(slices[1]![1], 'IPv4');
    assert.equal(slices[1]![2], '80');
    assert.deepEqual(slices[1]![3]!.split(',').sort(), nginx);
  });

  it('removes a leftover managed Endpoints whose Service is gone, not a user\'s standalone one', async () => {
    const ep = (name: string, labels: Record<string, string>): EndpointsObject => ({
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'default', labels },
      subsets: [{ addresses: [{ ip: '192.0.2.20' }], ports: [{ port: 80, protocol: 'TCP' }] }],
    });
    await c.client.create(EndpointsType, ep('standalone', {}));
    await c.client.create(EndpointsType, ep('leftover', { 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' }));
    await eventually(async () => !(await endpointsOf(c, 'leftover')), 'leftover Endpoints removed');
    assert.ok(await endpointsOf(c, 'standalone'), 'the standalone Endpoints stays');
  });

  it('removes the Endpoints and garbage-collects the slices with the service', async () => {
    const [slice] = await slicesOf(c, 'web');
    assert.ok(slice);
    await c.client.delete(Services, { namespace: 'default', name: 'web' });
    await eventually(async () => !(await endpointsOf(c, 'web')), 'Endpoints web deleted');
    await eventually(async () => (await slicesOf(c, 'web')).length === 0, 'slices of web collected', 30_000);
    const all = (await c.client.list<SliceObject>(EndpointSlices, { namespace: 'default' })).items;
    assert.ok(!all.some((s) => s.metadata!.uid === slice.metadata!.uid));
  });
});
