import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { Obj } from '../printing.js';
import { serviceFields } from './fields.js';
import { serviceTable as table } from './table.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const row = (o: Service) => table.row(o as Obj<Service>, NOW);
const meta = { name: 'nginx', namespace: 'default', creationTimestamp: '2026-11-27T11:00:00Z' };

test('headless ClusterIP service (the StatefulSet governing service)', () => {
  const svc: Service = { metadata: meta, spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'],
    ports: [{ name: 'web', port: 80, protocol: 'TCP', targetPort: 80 }], selector: { app: 'nginx' } } };
  assert.deepEqual(row(svc), ['nginx', 'ClusterIP', 'None', '<none>', '80/TCP', '60m', 'app=nginx']);
  assert.deepEqual(serviceFields(svc), { 'spec.clusterIP': 'None', 'spec.type': 'ClusterIP' });
});

test('NodePort, LoadBalancer and ExternalName services', () => {
  const np: Service = { metadata: meta, spec: { type: 'NodePort', clusterIPs: ['10.96.0.12'],
    ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } };
  assert.deepEqual(row(np), ['nginx', 'NodePort', '10.96.0.12', '<none>', '80:30080/TCP,53/UDP', '60m', '<none>']);
  const lb: Service = { metadata: meta, spec: { type: 'LoadBalancer', clusterIP: '10.96.0.13', externalIPs: ['1.2.3.4'],
    ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] },
  status: { loadBalancer: { ingress: [{ ip: '5.6.7.8' }, { hostname: 'lb.example.com' }, { ip: '5.6.7.8' }] } } };
  assert.equal(row(lb)[3], '5.6.7.8,lb.example.com,1.2.3.4');
  assert.equal(row({ ...lb, spec: { ...lb.spec, externalIPs: [] }, status: {} })[3], '<pending>');
  const ext: Service = { metadata: meta, spec: { type: 'ExternalName', externalName: 'db.example.com' } };
  assert.deepEqual(row(ext), ['nginx', 'ExternalName', '<none>', 'db.example.com', '<none>', '60m', '<none>']);
});
