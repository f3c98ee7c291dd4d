import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counted } from './watch.js';

/** A source that yields `n` values (or fails after them) and says whether it was closed. */
function source(n: number, fail = false) {
  const state = { closed: false };
  async function* gen() {
    try {
      for (let i = 0; i < n; i++) yield i;
      if (fail) throw new Error('boom');
    } finally {
      state.closed = true;
    }
  }
  return { events: gen(), state };
}

function recorder() {
  const deltas: number[] = [];
  return { deltas, onWatch: (r: string, d: number) => { assert.equal(r, 'pods'); deltas.push(d); } };
}

test('a watch counts from its first read until its source ends', async () => {
  const { deltas, onWatch } = recorder();
  const { events } = source(2);
  const stream = counted(events, 'pods', onWatch);
  assert.deepEqual(deltas, []);
  const seen: number[] = [];
  for await (const v of stream) {
    seen.push(v);
    assert.deepEqual(deltas, [1]);
  }
  assert.deepEqual(seen, [0, 1]);
  assert.deepEqual(deltas, [1, -1]);
});

test('a watch closed by its reader is uncounted once and closes its source', async () => {
  const { deltas, onWatch } = recorder();
  const { events, state } = source(5);
  for await (const v of counted(events, 'pods', onWatch)) if (v === 1) break;
  assert.deepEqual(deltas, [1, -1]);
  assert.equal(state.closed, true);
});

test('a failing source is uncounted and its error reaches the reader', async () => {
  const { deltas, onWatch } = recorder();
  const { events } = source(1, true);
  await assert.rejects(async () => { for await (const _ of counted(events, 'pods', onWatch)) { /* drain */ } }, /boom/);
  assert.deepEqual(deltas, [1, -1]);
});

test('a watch closed before its first read is never counted', async () => {
  const { deltas, onWatch } = recorder();
  const { events } = source(3);
  const it = counted(events, 'pods', onWatch)[Symbol.asyncIterator]();
  assert.deepEqual(await it.return!(), { done: true, value: undefined });
  assert.deepEqual(await it.next(), { done: true, value: undefined });
  assert.deepEqual(deltas, []);
});
