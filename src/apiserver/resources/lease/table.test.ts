import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Obj } from '../printing.js';
import { leaseTable as table } from './table.js';

test('HOLDER is spec.holderIdentity, empty when unheld', () => {
  const now = new Date('2026-11-27T12:00:00Z');
  const lease: Lease = { metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: '2026-11-27T04:00:00Z' },
    spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 } };
  assert.deepEqual(table.row(lease as Obj<Lease>, now), ['node-1', 'node-1', '8h']);
  assert.deepEqual(table.row({ metadata: { name: 'x' } } as Obj<Lease>, now), ['x', '', '<unknown>']);
});
