import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolume } from 'kubernetes-types/core/v1.js';
import type { Obj } from '../printing.js';
import { persistentVolumeTable as table } from './table.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const row = (o: PersistentVolume) => table.row(o as Obj<PersistentVolume>, NOW);

test('PV columns', () => {
  assert.deepEqual(table.columns.map((c) => `${c.name}${c.priority ? '(wide)' : ''}`), ['Name', 'Capacity', 'Access Modes',
    'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode(wide)']);
});

test('a Released PV keeps its claim reference', () => {
  const pv: PersistentVolume = {
    metadata: { name: 'pvc-0b6c1d2e', creationTimestamp: '2026-11-25T07:00:00Z' },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadOnlyMany', 'ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'local-path', volumeMode: 'Filesystem',
      claimRef: { namespace: 'default', name: 'www-web-0', uid: 'x' }, hostPath: { path: '/tmp/x' } },
    status: { phase: 'Released' },
  };
  assert.deepEqual(row(pv), ['pvc-0b6c1d2e', '1Gi', 'RWO,ROX,RWOP', 'Retain', 'Released', 'default/www-web-0', 'local-path',
    '<unset>', '', '2d5h', 'Filesystem']);
});

test('an Available static PV, a Failed one with reason, a terminating one', () => {
  const pv: PersistentVolume = {
    metadata: { name: 'rbd-pv', creationTimestamp: '2026-11-27T11:59:30Z' },
    spec: { capacity: { storage: '1.5Gi' }, accessModes: ['ReadWriteMany'], persistentVolumeReclaimPolicy: 'Delete' },
    status: { phase: 'Available' },
  };
  assert.deepEqual(row(pv), ['rbd-pv', '1536Mi', 'RWX', 'Delete', 'Available', '', '', '<unset>', '', '30s', '<unset>']);
  assert.equal(row({ ...pv, status: { phase: 'Failed', reason: 'VolumeFailedDelete' } })[8], 'VolumeFailedDelete');
  assert.equal(row({ ...pv, metadata: { ...pv.metadata, deletionTimestamp: '2026-11-27T11:59:59Z' } })[4], 'Terminating');
  assert.equal(row({ metadata: { name: 'empty' } })[1], '0');
});
