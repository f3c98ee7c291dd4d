// recordUpdate against the frozen copy of its earlier implementation (testdata/v0): the same
// managedFields, byte for byte, over seeded histories of creates, updates and status writes
// (testdata/differential.ts; 100k+ cases are run by hand with that file as the script).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { differential } from './testdata/differential.js';

describe('managedFields: differential against the earlier implementation', () => {
  it('records the same managedFields for thousands of generated writes', () => {
    const { calls, mismatches, seen } = differential(500, 1);
    assert.deepEqual(mismatches, []);
    assert.ok(calls > 3000, `only ${calls} writes compared`);
    // The histories reach the cases that matter: untracked objects, folding into
    // ancient-changes, apply entries kept by updates, status managers.
    for (const [what, n] of Object.entries(seen)) if (what !== 'errors') assert.ok(n > 50, `${what}: ${n}`);
  });
});
