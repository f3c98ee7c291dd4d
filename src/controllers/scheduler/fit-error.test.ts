// FailedScheduling messages in upstream's exact shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitErrorMessage } from './fit-error.js';

const taint = { reasons: ['node(s) had untolerated taint {dedicated: db}'], resolvable: false };
const affinity = { reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false };

test('filter reasons are counted, sorted as strings, and preemption says it cannot help', () => {
  assert.equal(fitErrorMessage({ nodeCount: 3, failures: [affinity, taint, affinity] }),
    "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: db}, 2 node(s) didn't match Pod's node affinity/selector. "
    + 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
});

test('resource shortages are resolvable: no victims rather than not helpful', () => {
  const short = { reasons: ['Insufficient cpu', 'Insufficient memory'], resolvable: true };
  assert.equal(fitErrorMessage({ nodeCount: 3, failures: [short, short, taint] }),
    '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: db}, 2 Insufficient cpu, 2 Insufficient memory. '
    + 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.');
});

test('a pre-filter failure replaces the per-node reasons', () => {
  assert.equal(fitErrorMessage({ nodeCount: 2, preFilterMessage: 'persistentvolumeclaim "data" not found', failures: [] }),
    '0/2 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
});

test('preemptionPolicy Never', () => {
  assert.equal(fitErrorMessage({ nodeCount: 1, failures: [{ reasons: ['Too many pods'], resolvable: true }], preemptionPolicy: 'Never' }),
    '0/1 nodes are available: 1 Too many pods. preemption: not eligible due to preemptionPolicy=Never.');
});
