// Claim status through a resize, step by step as external-resizer and the kubelet write it.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PersistentVolumeClaimObject, PersistentVolumeObject } from './objects.js';
import {
  controllerResizeTarget, markControllerResizeInProgress, markNodeResizePending, markResizeFinished, nodeResizePending, FS_RESIZE_PENDING_MESSAGE,
} from './resize.js';

const now = new Date('2026-01-02T03:04:05.678Z');
const claim = (request: string, status: Record<string, unknown> = {}): PersistentVolumeClaimObject => ({
  metadata: { name: 'data', namespace: 'default' },
  spec: { volumeName: 'pvc-1', resources: { requests: { storage: request } } },
  status: { phase: 'Bound', capacity: { storage: '1Gi' }, ...status },
});
const pv = (capacity: string): PersistentVolumeObject => ({ metadata: { name: 'pvc-1' }, spec: { capacity: { storage: capacity } } });

it('a larger request on a bound claim is the controller side\'s until the node has it', () => {
  assert.equal(controllerResizeTarget(claim('1Gi')), undefined, 'nothing to grow');
  assert.equal(controllerResizeTarget(claim('1024Mi')), undefined, 'the same size spelled differently');
  assert.equal(controllerResizeTarget({ ...claim('2Gi'), status: { phase: 'Pending' } }), undefined, 'unbound');
  const c = claim('2Gi');
  assert.equal(controllerResizeTarget(c), '2Gi');
  assert.equal(nodeResizePending(c, pv('2Gi')), false, 'the node waits for the controller');

  markControllerResizeInProgress(c, '2Gi', now);
  assert.deepEqual(c.status, {
    phase: 'Bound', capacity: { storage: '1Gi' }, allocatedResources: { storage: '2Gi' },
    allocatedResourceStatuses: { storage: 'ControllerResizeInProgress' },
    conditions: [{ type: 'Resizing', status: 'True', lastTransitionTime: '2026-01-02T03:04:05Z' }],
  });
  assert.equal(controllerResizeTarget(c), '2Gi', 'a resize in progress is retried');

  markNodeResizePending(c, now);
  assert.deepEqual(c.status?.conditions, [{ type: 'FileSystemResizePending', status: 'True', lastTransitionTime: '2026-01-02T03:04:05Z', message: FS_RESIZE_PENDING_MESSAGE }]);
  assert.deepEqual(c.status?.allocatedResourceStatuses, { storage: 'NodeResizePending' });
  assert.equal(controllerResizeTarget(c), undefined, 'handed to the node');
  assert.equal(nodeResizePending(c, pv('2Gi')), true);
  assert.equal(nodeResizePending(c, pv('1Gi')), false, 'the PV has not grown');
  c.spec!.resources = { requests: { storage: '3Gi' } };
  assert.equal(controllerResizeTarget(c), '3Gi', 'a still larger request goes back to the controller');

  markResizeFinished(c, '2Gi');
  assert.deepEqual(c.status, { phase: 'Bound', capacity: { storage: '2Gi' }, allocatedResources: { storage: '2Gi' } });
  assert.equal(nodeResizePending(c, pv('2Gi')), false);
});
