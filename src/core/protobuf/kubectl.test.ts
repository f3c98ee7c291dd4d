// Bodies the real kubectl sent (testdata/kubectl-v1.33.json): each must decode to the JSON that
// the same kubectl prints for the same command with --dry-run=client -o json (nulls removed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError } from '../errors.js';
import { decodeKubernetesProtobuf } from './index.js';
import fixtures from './testdata/kubectl-v1.33.json' with { type: 'json' };

interface Case { command: string; url: string; body: string; expected: Record<string, unknown> }
const cases = (fixtures as { cases: Case[] }).cases;

for (const c of cases) {
  test(c.command, () => {
    const d = decodeKubernetesProtobuf(Buffer.from(c.body, 'base64'));
    assert.deepEqual(d.object, c.expected);
    assert.equal(d.apiVersion, c.expected.apiVersion);
    assert.equal(d.kind, c.expected.kind);
    assert.deepEqual(d.unknownFields, []);
  });
}

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function decodesOr400(b: Uint8Array, what: string): void {
  try {
    decodeKubernetesProtobuf(b);
  } catch (e) {
    assert.ok(isApiError(e) && e.code === 400, `${what}: ${String(e)}`);
  }
}

test('truncated or corrupted kubectl bodies decode or fail with 400, never anything else', () => {
  const random = rng(42);
  for (const c of cases) {
    const b = Buffer.from(c.body, 'base64');
    for (let n = 0; n < b.length; n++) decodesOr400(b.subarray(0, n), `${c.command} cut at ${n}`);
    for (let i = 0; i < 300; i++) {
      const m = Uint8Array.from(b);
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) m[Math.floor(random() * m.length)] = Math.floor(random() * 256);
      decodesOr400(m, `${c.command} mutation ${i}`);
    }
  }
});
