import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodObject, ServiceObject } from './pods.js';
import { planSlices, podToEndpoint, type EndpointSliceObject, type NodeObject } from './slice-reconciler.js';

const svc: ServiceObject = {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { app: 'web' } },
  spec: { clusterIP: '10.96.0.5', ipFamilies: ['IPv4'], selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
};
const node: NodeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } } };
const nodeOf = (n: string) => (n === 'n1' ? node : undefined);

function mkPod(i: number, over: { ready?: boolean; deleting?: boolean; port?: number } = {}): PodObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `p${i}`, namespace: 'ns', uid: `uid-${i}`, labels: { app: 'web' }, ...(over.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: over.port ?? 8080 }] }] },
    status: {
      phase: 'Running', podIP: `10.0.${i >> 8}.${i & 255}`, podIPs: [{ ip: `10.0.${i >> 8}.${i & 255}` }],
      conditions: [{ type: 'Ready', status: over.ready === false ? 'False' : 'True' }],
    },
  };
}
const pods = (n: number) => Array.from({ length: n }, (_, i) => mkPod(i + 1));

/** What the API server would return for the plan's creates and updates. */
function apply(existing: EndpointSliceObject[], plan: ReturnType<typeof planSlices>): EndpointSliceObject[] {
  let n = existing.length;
  const out = new Map(existing.map((s) => [s.metadata!.name!, s]));
  for (const s of plan.delete) out.delete(s.metadata!.name!);
  for (const s of plan.update) out.set(s.metadata!.name!, s);
  for (const s of plan.create) {
    const name = `${s.metadata!.generateName}${n++}`;
    out.set(name, { ...s, metadata: { ...s.metadata, name, uid: `slice-${name}` } });
  }
  return [...out.values()];
}

test('endpoints: conditions, zone, hostname rule, publishNotReadyAddresses', () => {
  assert.deepEqual(podToEndpoint(mkPod(1), node, svc, 'IPv4'), {
    addresses: ['10.0.0.1'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n1',
    targetRef: { kind: 'Pod', namespace: 'ns', name: 'p1', uid: 'uid-1' }, zone: 'z1',
  });
  assert.deepEqual(podToEndpoint(mkPod(2, { deleting: true }), node, svc, 'IPv4').conditions, { ready: false, serving: true, terminating: true });
  const publish = { ...svc, spec: { ...svc.spec, publishNotReadyAddresses: true } };
  assert.deepEqual(podToEndpoint(mkPod(3, { ready: false }), node, publish, 'IPv4').conditions, { ready: true, serving: false, terminating: false });
  const host = mkPod(4);
  host.spec = { ...host.spec!, hostname: 'web-0', subdomain: 'web' };
  assert.equal(podToEndpoint(host, node, svc, 'IPv4').hostname, 'web-0');
  host.spec.subdomain = 'other';
  assert.equal(podToEndpoint(host, node, svc, 'IPv4').hostname, undefined);
});

test('1000 pods pack into 10 slices of 100; one more pod or one fewer touches one slice', () => {
  const first = planSlices(svc, pods(1000), [], nodeOf);
  assert.equal(first.create.length, 10);
  assert.deepEqual(first.create.map((s) => s.endpoints.length), Array(10).fill(100));
  assert.equal(first.create[0]!.metadata!.generateName, 'web-');
  let slices = apply([], first);

  const again = planSlices(svc, pods(1000), slices, nodeOf);
  assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0], 'a resync writes nothing');

  const grown = planSlices(svc, pods(1001), slices, nodeOf);
  assert.deepEqual([grown.create.length, grown.update.length, grown.delete.length], [1, 0, 0], 'full slices are left alone');
  slices = apply(slices, grown);

  const flipped = pods(1001);
  flipped[500] = mkPod(501, { ready: false });
  const flip = planSlices(svc, flipped, slices, nodeOf);
  assert.deepEqual([flip.create.length, flip.update.length, flip.delete.length], [0, 1, 0], 'a readiness flip updates one slice');
  assert.equal(flip.update[0]!.endpoints.find((e) => e.targetRef!.name === 'p501')!.conditions!.ready, false);

  const shrunk = planSlices(svc, pods(1001).filter((p) => p.metadata!.name !== 'p7'), slices, nodeOf);
  assert.deepEqual([shrunk.create.length, shrunk.update.length, shrunk.delete.length], [0, 1, 0]);
  assert.equal(shrunk.update[0]!.endpoints.length, 99);
});

test('pods whose named port resolves differently get their own slice; no pods leave one placeholder', () => {
  const plan = planSlices(svc, [mkPod(1), mkPod(2, { port: 9090 })], [], nodeOf);
  assert.deepEqual(plan.create.map((s) => s.ports!.map((p) => p.port)).sort(), [[8080], [9090]]);
  const empty = planSlices(svc, [], [], nodeOf);
  assert.equal(empty.create.length, 1);
  assert.deepEqual([empty.create[0]!.endpoints, empty.create[0]!.ports], [[], []]);
  // The placeholder is kept, not recreated, and replaced in place once endpoints arrive.
  const withPlaceholder = apply([], empty);
  assert.deepEqual(planSlices(svc, [], withPlaceholder, nodeOf), { create: [], update: [], delete: [], missingNodes: [] });
  const filled = planSlices(svc, [mkPod(1)], withPlaceholder, nodeOf);
  assert.deepEqual([filled.create.length, filled.update.length, filled.delete.length], [0, 1, 0]);
  assert.equal(filled.update[0]!.metadata!.name, withPlaceholder[0]!.metadata!.name);
  assert.equal(filled.update[0]!.endpoints.length, 1);
});

test('slices of an earlier service with the same name are replaced; unknown nodes are reported', () => {
  const old = apply([], planSlices({ ...svc, metadata: { ...svc.metadata, uid: 'old' } }, [mkPod(1)], [], nodeOf));
  const plan = planSlices(svc, [mkPod(1)], old, nodeOf);
  assert.equal(plan.delete.length, 1);
  assert.equal(plan.create.length, 1);
  assert.equal(plan.create[0]!.metadata!.ownerReferences![0]!.uid, 'svc-uid');
  const lost = mkPod(2);
  lost.spec = { ...lost.spec!, nodeName: 'gone' };
  assert.deepEqual(planSlices(svc, [lost], [], nodeOf).missingNodes, ['gone']);
});
