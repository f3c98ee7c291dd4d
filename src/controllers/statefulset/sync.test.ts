import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_BATCH, slowStartBatch } from './sync.js';

test('slow start: batches of 1, 2, 4, … capped at 500, all in parallel within a batch (C10)', async () => {
  const batches: number[] = [];
  let inFlight = 0;
  let started = 0;
  const err = await slowStartBatch(2000, async () => {
    if (inFlight === 0) batches.push(0);
    inFlight++;
    started++;
    batches[batches.length - 1]++;
    await new Promise((r) => setImmediate(r));
    inFlight--;
  });
  assert.equal(err, undefined);
  assert.equal(started, 2000);
  assert.deepEqual(batches, [1, 2, 4, 8, 16, 32, 64, 128, 256, 500, 500, 489]);
  assert.equal(MAX_BATCH, 500);
});

test('slow start: a batch with failures ends the run and reports them all', async () => {
  const seen: number[] = [];
  const err = await slowStartBatch(100, async (i) => {
    seen.push(i);
    if (i === 4 || i === 5) throw new Error(`boom ${i}`);
  });
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(err?.message, '[boom 4, boom 5]');
});
