import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonCopy } from './copy.js';

const roundTrip = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('jsonCopy', () => {
  it('copies JSON data deeply: shares nothing, leaves the source alone', () => {
    const src = { a: 1, b: 'x', c: null, d: true, e: [1, { f: [2, 3] }], g: { h: { i: 'j' } } };
    const frozen = Object.freeze({ k: Object.freeze(['v']) });
    const out = jsonCopy({ ...src, frozen });
    assert.deepEqual(out, { ...src, frozen: { k: ['v'] } });
    assert.notEqual(out.e, src.e);
    assert.notEqual(out.e[1], src.e[1]);
    assert.notEqual(out.g.h, src.g.h);
    assert.equal(Object.isFrozen(out.frozen), false, 'a copy of a frozen (shared) object is writable');
    out.frozen.k.push('w');
    out.g.h.i = 'changed';
    assert.equal(src.g.h.i, 'j');
    assert.deepEqual(frozen.k, ['v']);
  });

  it('returns what a JSON round trip returns, key order included', () => {
    const cases: unknown[] = [
      { z: 1, a: undefined, m: () => 1, s: Symbol('s'), n: NaN, i: -Infinity, neg: -0, arr: [undefined, () => 1, NaN, -0, 'x'] },
      { when: new Date(0), nested: { when: new Date(1000) }, own: { toJSON: () => 'custom' } },
      { b: { y: [{ q: 1, p: 2 }], x: {} }, a: [] },
      [1, 'two', null, { three: 3 }],
      'text', 12.5, true, null,
    ];
    for (const c of cases) {
      const out = jsonCopy(c);
      assert.deepEqual(out, roundTrip(c));
      assert.equal(JSON.stringify(out), JSON.stringify(c));
    }
    assert.ok(Object.is(jsonCopy(-0), 0));
    assert.equal(jsonCopy(undefined), undefined);
    assert.throws(() => jsonCopy({ big: 1n }), TypeError);
  });
});
