// adoptWritten must give exactly what decoding the stored bytes gives (members, values and
// member order, which JSON output shows), or refuse.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigMaps, type KubeObject } from '../../core/index.js';
import { adoptWritten, decodeObject, encodeObject } from './codec.js';

const REV = 42;
const decoded = (o: KubeObject) => decodeObject(ConfigMaps, { key: '/k', value: encodeObject(o), createRevision: 1, modRevision: REV });

/** Member order matters (JSON output, Object.keys), so compare the full key paths in order. */
function shape(v: unknown, path = ''): string[] {
  if (v === null || typeof v !== 'object') return [`${path}=${JSON.stringify(v)}`];
  return Object.keys(v).flatMap((k) => [`${path}/${k}`, ...shape((v as Record<string, unknown>)[k], `${path}/${k}`)]);
}

function assertSameAsDecode(make: () => KubeObject): void {
  const want = decoded(make());
  const got = adoptWritten(make(), REV);
  assert.ok(got, 'adopted');
  assert.deepEqual(shape(got), shape(want));
  assert.equal(JSON.stringify(got), JSON.stringify(want));
  const everyObjectFrozen = (v: unknown): boolean => v === null || typeof v !== 'object'
    || (Object.isFrozen(v) && Object.values(v).every(everyObjectFrozen));
  assert.ok(everyObjectFrozen(got));
}

// A small deterministic generator of JSON-like objects with some undefined members.
function generated(seed: number): KubeObject {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 1) / 2 ** 31);
  const value = (depth: number): unknown => {
    const r = rnd();
    if (depth > 3 || r < 0.3) return ['x', 'é\u{1F600}', 7, 0, -3.5, true, false, null][Math.floor(rnd() * 8)];
    if (r < 0.5) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1) ?? 1);
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rnd() * 5); i > 0; i--) o[['a', 'b', '10', '2', 'z-y', '__x'][Math.floor(rnd() * 6)]!] = rnd() < 0.15 ? undefined : value(depth + 1);
    return o;
  };
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: `n${seed}`, namespace: 'default', resourceVersion: '5', labels: value(2) as Record<string, string>, annotations: undefined },
    data: value(1) as Record<string, string>,
  };
}

describe('adoptWritten', () => {
  it('gives what a decode of the stored bytes gives, member order included', () => {
    for (let seed = 1; seed <= 500; seed++) assertSameAsDecode(() => generated(seed));
  });

  it('moves resourceVersion last and drops undefined members, as storing and decoding do', () => {
    const got = adoptWritten({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '1', name: 'a', uid: undefined }, data: { k: 'v' } }, 9)!;
    assert.deepEqual(Object.keys(got.metadata!), ['name', 'resourceVersion']);
    assert.equal(got.metadata!.resourceVersion, '9');
  });

  it('refuses what JSON would change, so the caller decodes instead', () => {
    const base = (extra: unknown): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { extra } as Record<string, string> });
    for (const extra of [new Date(0), Number.NaN, Number.POSITIVE_INFINITY, -0, [1, undefined], [1, , 3], () => 1, 10n, new Map(), Object.freeze({ gone: undefined })]) {
      assert.equal(adoptWritten(base(extra), 1), undefined, `refuses ${String(extra)}`);
    }
    assert.equal(adoptWritten({ apiVersion: 'v1', kind: 'ConfigMap' }, 1), undefined, 'no metadata');
  });

  it('hands back an object it already adopted for the same revision only', () => {
    const got = adoptWritten({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, 3)!;
    assert.equal(adoptWritten(got, 3), got);
    assert.equal(adoptWritten(got, 4), undefined);
  });
});
