// The size of a Memory-medium emptyDir: node allocatable, the pod's limit, sizeLimit — the smallest that applies.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { memoryVolumeBytes, podMemoryLimit } from './empty-dir.js';

const GI = 1n << 30n, MI = 1n << 20n;
const pod = (limits: Array<string | undefined>, init: string[] = []): Pod => ({
  spec: {
    containers: limits.map((l, i) => ({ name: `c${i}`, ...(l ? { resources: { limits: { memory: l } } } : {}) })),
    initContainers: init.map((l, i) => ({ name: `i${i}`, resources: { limits: { memory: l } } })),
  },
});
const vol = (sizeLimit?: string) => ({ name: 'cache', emptyDir: { medium: 'Memory', ...(sizeLimit ? { sizeLimit } : {}) } });

it('a pod has a memory limit only when every container declares one; init containers count by their largest', () => {
  assert.equal(podMemoryLimit(pod(['64Mi', '32Mi'])), 96n * MI);
  assert.equal(podMemoryLimit(pod(['64Mi', undefined])), undefined);
  assert.equal(podMemoryLimit(pod(['64Mi'], ['128Mi', '16Mi'])), 128n * MI);
});

it('takes the smallest of node allocatable, the pod limit and sizeLimit', () => {
  assert.equal(memoryVolumeBytes(pod([undefined]), vol(), 8n * GI), 8n * GI);
  assert.equal(memoryVolumeBytes(pod([undefined]), vol('16Mi'), 8n * GI), 16n * MI);
  assert.equal(memoryVolumeBytes(pod(['64Mi']), vol(), 8n * GI), 64n * MI);
  assert.equal(memoryVolumeBytes(pod(['64Mi']), vol('1Gi'), 8n * GI), 64n * MI, 'a sizeLimit above the pod limit does not count');
  assert.equal(memoryVolumeBytes(pod(['64Mi']), vol('16Mi'), 8n * GI), 16n * MI);
  assert.equal(memoryVolumeBytes(pod([undefined]), vol('16Gi'), 8n * GI), 8n * GI);
});
