import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { Obj } from '../printing.js';
import { configMapTable as table } from './table.js';

test('DATA counts data and binaryData keys', () => {
  const cm: ConfigMap = { metadata: { name: 'kube-root-ca.crt', creationTimestamp: '2026-11-27T11:59:50Z' },
    data: { 'ca.crt': '...', 'other': 'x' }, binaryData: { blob: 'AAE=' } };
  assert.deepEqual(table.row(cm as Obj<ConfigMap>, new Date('2026-11-27T12:00:00Z')), ['kube-root-ca.crt', 3, '10s']);
  assert.deepEqual(table.columns.map((c) => c.name), ['Name', 'Data', 'Age']);
});
