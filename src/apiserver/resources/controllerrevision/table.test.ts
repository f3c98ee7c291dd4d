import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { Obj } from '../printing.js';
import { controllerRevisionTable as table } from './table.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const row = (o: ControllerRevision) => table.row(o as Obj<ControllerRevision>, NOW);

test('controller is printed as kind.group/name', () => {
  const cr: ControllerRevision = {
    metadata: { name: 'web-7c9b8d6f5', namespace: 'default', creationTimestamp: '2026-11-27T11:00:00Z', ownerReferences: [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'unrelated', uid: 'a' },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'b', controller: true, blockOwnerDeletion: true }] },
    revision: 2,
  };
  assert.deepEqual(row(cr), ['web-7c9b8d6f5', 'statefulset.apps/web', 2, '60m']);
  assert.deepEqual(row({ metadata: { name: 'orphan' }, revision: 1 }), ['orphan', '<none>', 1, '<unknown>']);
  assert.equal(row({ metadata: { name: 'p', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'x', uid: 'c', controller: true }] },
    revision: 3 })[1], 'pod/x');
});
