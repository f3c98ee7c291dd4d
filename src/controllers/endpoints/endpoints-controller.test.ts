import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSubset } from 'kubernetes-types/core/v1.js';
import { desiredSubsets, MAX_CAPACITY, repackSubsets, truncateSubsets } from './endpoints-controller.js';
import type { PodObject, ServiceObject } from './pods.js';
import { TriggerTimeTracker } from './trigger-time.js';

const svc = (spec: ServiceObject['spec']): ServiceObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'ns' }, spec });
const pod = (name: string, ip: string, ready: boolean, extra: Partial<NonNullable<PodObject['spec']>> = {}, phase = 'Running'): PodObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', uid: `uid-${name}` },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x', ports: [{ name: 'pg', containerPort: 5432 }] }], ...extra },
  status: { phase, podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:00:0' + name.length + 'Z' }] },
});

test('subsets: ready and not-ready addresses share a subset per port set; terminal pods are left out', () => {
  const s = svc({ clusterIP: '10.96.0.9', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432, targetPort: 'pg', protocol: 'TCP' }, { name: 'metrics', port: 9187, protocol: 'TCP' }] });
  const subsets = desiredSubsets(s, [pod('b', '10.0.0.2', true), pod('a', '10.0.0.1', false), pod('done', '10.0.0.3', true, {}, 'Succeeded')]);
  assert.deepEqual(subsets, [{
    addresses: [{ ip: '10.0.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'uid-b' } }],
    notReadyAddresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } }],
    ports: [{ name: 'metrics', port: 9187, protocol: 'TCP' }, { name: 'pg', port: 5432, protocol: 'TCP' }],
  }]);
});

test('subsets: pods lacking a named port get a subset without it; headless without ports lists bare IPs with hostnames', () => {
  const s = svc({ clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432, targetPort: 'pg', protocol: 'TCP' }, { name: 'x', port: 1, protocol: 'TCP' }] });
  const noPg = pod('np', '10.0.0.9', true, { containers: [{ name: 'c', image: 'x' }] });
  const subsets = desiredSubsets(s, [pod('a', '10.0.0.1', true), noPg]);
  assert.equal(subsets.length, 2);
  assert.deepEqual(subsets.map((ss) => [ss.addresses!.map((a) => a.ip), ss.ports!.map((p) => p.name)]).sort(),
    [[['10.0.0.1'], ['pg']], [['10.0.0.1', '10.0.0.9'], ['x']]].sort());
  const bare = svc({ clusterIP: 'None', selector: { app: 'db' } });
  assert.deepEqual(desiredSubsets(bare, [pod('db-0', '10.0.0.4', true, { hostname: 'db-0', subdomain: 'db' })]), [{
    addresses: [{ ip: '10.0.0.4', hostname: 'db-0', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'db-0', uid: 'uid-db-0' } }],
  }]);
});

test('terminating pods appear only with publishNotReadyAddresses, then as ready', () => {
  const base = pod('t', '10.0.0.5', false);
  const deleting = { ...base, metadata: { ...base.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
  const ports = [{ port: 80, protocol: 'TCP' }];
  assert.deepEqual(desiredSubsets(svc({ clusterIP: '10.96.0.9', selector: { a: 'b' }, ports }), [deleting]), []);
  const published = desiredSubsets(svc({ clusterIP: '10.96.0.9', selector: { a: 'b' }, ports, publishNotReadyAddresses: true }), [deleting]);
  assert.deepEqual(published.map((s) => s.addresses!.map((a) => a.ip)), [['10.0.0.5']]);
});

test('repack: an address ready on a port is ready there; truncation keeps ready addresses first', () => {
  const a = { ip: '10.0.0.1' };
  const p = { port: 80, protocol: 'TCP' };
  assert.deepEqual(repackSubsets([{ notReadyAddresses: [a], ports: [p] }, { addresses: [a], ports: [p] }]), [{ addresses: [a], ports: [p] }]);
  const many = (n: number, base: number) => Array.from({ length: n }, (_, i) => ({ ip: `10.${base}.${i >> 8}.${i & 255}` }));
  const subsets: EndpointSubset[] = [{ addresses: many(600, 1), notReadyAddresses: many(300, 2) }, { addresses: many(200, 3) }];
  assert.equal(truncateSubsets(subsets), true);
  assert.equal(subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0), MAX_CAPACITY);
  assert.deepEqual(subsets.map((s) => s.addresses!.length), [600, 200]);
  assert.equal(subsets[0]!.notReadyAddresses!.length, 200);
  assert.equal(truncateSubsets([{ addresses: many(10, 1) }]), false);
});

test('trigger time: the earliest change since the previous sync, none when nothing changed', () => {
  const t = new TriggerTimeTracker();
  const s: ServiceObject = { ...svc({}), metadata: { name: 'db', namespace: 'ns', creationTimestamp: '2026-01-01T00:00:05Z' } };
  const p1 = pod('a', '10.0.0.1', true); // Ready transition at :01
  assert.equal(t.compute('ns/db', s, [p1]), '2026-01-01T00:00:01Z');
  assert.equal(t.compute('ns/db', s, [p1]), undefined);
  const p2 = pod('bbbbbbb', '10.0.0.2', true); // :07
  assert.equal(t.compute('ns/db', s, [p1, p2]), '2026-01-01T00:00:07Z');
});
