import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from 'kubernetes-types/core/v1.js';
import { convertFieldSelector, parseFieldSelector } from '../../../core/index.js';
import type { Obj } from '../printing.js';
import { nodeFieldLabels, nodeFields } from './fields.js';
import { nodeTable as table } from './table.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const row = (o: Node) => table.row(o as Obj<Node>, NOW);

const node: Node = {
  metadata: { name: 'node-1', creationTimestamp: '2026-11-20T12:00:00Z',
    labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/worker': '', 'kubernetes.io/role': 'edge',
      'kubernetes.io/hostname': 'node-1' } },
  status: {
    conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
    addresses: [{ type: 'Hostname', address: 'node-1' }, { type: 'InternalIP', address: '192.168.1.10' }],
    nodeInfo: { kubeletVersion: 'v1.33.0-berth', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-18-amd64',
      containerRuntimeVersion: 'runc://1.1.5', architecture: 'amd64', bootID: '', machineID: '', systemUUID: '',
      kubeProxyVersion: '', operatingSystem: 'linux' },
  },
};

test('a ready node with roles', () => {
  assert.deepEqual(row(node), ['node-1', 'Ready', 'control-plane,edge,worker', '7d', 'v1.33.0-berth', '192.168.1.10', '<none>',
    'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'runc://1.1.5']);
  assert.deepEqual(table.columns.map((c) => c.name), ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP',
    'OS-Image', 'Kernel-Version', 'Container-Runtime']);
});

test('cordoned, not ready and unknown nodes', () => {
  const cordoned: Node = { ...node, spec: { unschedulable: true } };
  assert.equal(row(cordoned)[1], 'Ready,SchedulingDisabled');
  const notReady: Node = { metadata: { name: 'n2' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } };
  assert.deepEqual(row(notReady), ['n2', 'NotReady', '<none>', '<unknown>', '', '<none>', '<none>', '<unknown>', '<unknown>',
    '<unknown>']);
  assert.equal(row({ metadata: { name: 'n3' }, spec: { unschedulable: true } })[1], 'Unknown,SchedulingDisabled');
});

test('node field selectors', () => {
  assert.deepEqual(nodeFields(node), { 'spec.unschedulable': 'false' });
  assert.equal(convertFieldSelector(parseFieldSelector('spec.unschedulable=false'), nodeFieldLabels).matches(nodeFields(node)), true);
  assert.throws(() => convertFieldSelector(parseFieldSelector('metadata.namespace=x'), nodeFieldLabels),
    /field label not supported: metadata.namespace/);
});
