import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorText } from '../../../core/validation/index.js';
import { endpointsStrategy as eps, type EndpointsObject } from '../endpoints/strategy.js';
import { eventStrategy as evs, type EventObject } from '../event/strategy.js';
import { leaseStrategy as ls, type LeaseObject } from '../lease/strategy.js';
import { serviceAccountStrategy as sas, type ServiceAccountObject } from '../serviceaccount/strategy.js';
import { nodeStrategy as s, type NodeObject } from './strategy.js';

test('nodes: allocatable defaults to capacity, taints and CIDRs are checked', () => {
  const node: NodeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.244.0.0/24' },
    status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } };
  s.defaults(node);
  assert.deepEqual(node.status!.allocatable, { cpu: '4', memory: '8Gi', pods: '110' });
  assert.deepEqual(node.spec!.podCIDRs, ['10.244.0.0/24']);
  assert.deepEqual(s.validate(node), []);
  node.spec!.taints = [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: '' }];
  assert.deepEqual(s.validate(node).map(fieldErrorText), [
    'metadata.taints[1]: Duplicate value: {"key":"a","effect":"NoSchedule"}: taints must be unique by key and effect pair',
    'metadata.taints[2].effect: Required value',
  ]);
  const prev = structuredClone(node);
  delete prev.spec!.taints;
  const moved = structuredClone(prev);
  moved.spec!.podCIDR = '10.244.1.0/24';
  moved.spec!.podCIDRs = ['10.244.1.0/24'];
  assert.deepEqual(s.validateUpdate(moved, prev).map(fieldErrorText), ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
});

test('endpoints: ports default to TCP, addresses must be ordinary IPs', () => {
  const ep: EndpointsObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'nginx', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '10.244.0.5' }, { ip: '127.0.0.1' }], ports: [{ port: 80 }] }] };
  eps.defaults(ep);
  assert.equal(ep.subsets![0].ports![0].protocol, 'TCP');
  assert.deepEqual(eps.validate(ep).map(fieldErrorText),
    ['subsets[0].addresses[1].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']);
});

test('v1 events get only the lenient legacy checks', () => {
  const ev: EventObject = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'Not A DNS Name!', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' } };
  assert.deepEqual(evs.validate(ev), []);
  ev.involvedObject.namespace = 'other';
  assert.deepEqual(evs.validate(ev).map(fieldErrorText), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
});

test('leases and service accounts', () => {
  const lease: LeaseObject = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' },
    spec: { holderIdentity: 'n1', leaseDurationSeconds: 0 } };
  assert.deepEqual(ls.validate(lease).map(fieldErrorText), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  const sa: ServiceAccountObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' },
    secrets: [{ name: 's', namespace: 'x', uid: 'u' }] };
  sas.prepareForCreate(sa, { now: new Date() });
  assert.deepEqual(sa.secrets, [{ name: 's' }]);
  assert.deepEqual(sas.validate(sa), []);
});
