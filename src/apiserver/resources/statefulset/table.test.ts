import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { convertFieldSelector, parseFieldSelector } from '../../../core/index.js';
import type { Obj } from '../printing.js';
import { statefulSetFieldLabels } from './fields.js';
import { statefulSetTable as table } from './table.js';

const NOW = new Date('2026-11-27T12:00:00Z');

test('the seed StatefulSet: READY ready/desired, wide containers and images', () => {
  const sts: StatefulSet = {
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-11-27T11:55:00Z' },
    spec: { replicas: 2, serviceName: 'nginx', selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [
        { name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.24' }, { name: 'sidecar', image: 'busybox' }] } } },
    status: { replicas: 2, readyReplicas: 1 },
  };
  assert.deepEqual(table.row(sts as Obj<StatefulSet>, NOW),
    ['web', '1/2', '5m', 'nginx,sidecar', 'registry.k8s.io/nginx-slim:0.24,busybox']);
  assert.deepEqual(table.columns.map((c) => `${c.name}:${c.priority ?? 0}`), ['Name:0', 'Ready:0', 'Age:0', 'Containers:1', 'Images:1']);
  const fresh = { metadata: { name: 'db' }, spec: { selector: {}, serviceName: 'db', template: {} } } as Obj<StatefulSet>;
  assert.deepEqual(table.row(fresh, NOW), ['db', '0/1', '<unknown>', '', '']);
});

test('StatefulSets select on metadata fields only', () => {
  assert.throws(() => convertFieldSelector(parseFieldSelector('status.replicas=1'), statefulSetFieldLabels),
    /"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"/);
});
