import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { Obj } from '../printing.js';
import { storageClassTable as table } from './table.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const row = (o: StorageClass) => table.row(o as Obj<StorageClass>, NOW);

test('StorageClass columns', () => {
  assert.deepEqual(table.columns.map((c) => c.name),
    ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
});

test('the default class is marked; unset fields print upstream defaults', () => {
  const local: StorageClass = {
    metadata: { name: 'local-path', creationTimestamp: '2026-11-27T11:00:00Z',
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'berth.dev/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer',
  };
  assert.deepEqual(row(local), ['local-path (default)', 'berth.dev/local-path', 'Delete', 'WaitForFirstConsumer', false, '60m']);
  const block: StorageClass = { metadata: { name: 'local-block', creationTimestamp: '2026-11-27T11:00:00Z',
    annotations: { 'storageclass.kubernetes.io/is-default-class': 'True' } },
  provisioner: 'berth.dev/local-block', allowVolumeExpansion: true };
  assert.deepEqual(row(block), ['local-block', 'berth.dev/local-block', 'Delete', 'Immediate', true, '60m']);
  const beta: StorageClass = { metadata: { name: 'old', annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'x', reclaimPolicy: 'Retain' };
  assert.deepEqual(row(beta), ['old (default)', 'x', 'Retain', 'Immediate', false, '<unknown>']);
});
