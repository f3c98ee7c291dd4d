import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { Obj } from '../printing.js';
import { persistentVolumeClaimTable as table } from './table.js';

const NOW = new Date('2026-11-27T10:00:00Z');
const row = (o: PersistentVolumeClaim) => table.row(o as Obj<PersistentVolumeClaim>, NOW);

test('PVC columns: kubectl prints NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE', () => {
  assert.deepEqual(table.columns.filter((c) => !c.priority).map((c) => c.name.toUpperCase()),
    ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
  assert.deepEqual(table.columns.filter((c) => c.priority === 1).map((c) => c.name), ['VolumeMode']);
});

test('a Bound claim shows the volume, its capacity and modes', () => {
  const pvc: PersistentVolumeClaim = {
    metadata: { name: 'www-web-0', namespace: 'default', creationTimestamp: '2026-11-27T09:59:57Z', labels: { app: 'nginx' } },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard',
      volumeMode: 'Filesystem', volumeName: 'pvc-95cee0da-278b-493d-bb5f-25adb6ee0ff1' },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1024Mi' } },
  };
  assert.deepEqual(row(pvc), ['www-web-0', 'Bound', 'pvc-95cee0da-278b-493d-bb5f-25adb6ee0ff1', '1Gi', 'RWO', 'standard',
    '<unset>', '3s', 'Filesystem']);
});

test('a Pending claim shows no capacity; terminating and beta class annotation', () => {
  const pvc: PersistentVolumeClaim = {
    metadata: { name: 'data-claim', creationTimestamp: '2026-11-27T09:55:00Z',
      annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, storageClassName: 'standard',
      volumeAttributesClassName: 'gold' },
    status: { phase: 'Pending' },
  };
  assert.deepEqual(row(pvc), ['data-claim', 'Pending', '', '', '', 'legacy', 'gold', '5m', '<unset>']);
  assert.equal(row({ ...pvc, metadata: { ...pvc.metadata, deletionTimestamp: '2026-11-27T09:59:00Z' } })[1], 'Terminating');
});
