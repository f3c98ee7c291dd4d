import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorText } from './error-text.js';
import { jsonEqual, semanticEqual, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSSubdomain } from './names.js';
import { selectorMatches, validateLabelSelector } from './selector.js';

const opts = { namespaced: true, nameValidator: nameIsDNSSubdomain };
const msgs = (errs: ReturnType<typeof validateObjectMeta>) => errs.map(fieldErrorText);

test('object meta: name, labels, annotations size, owner references, finalizers', () => {
  assert.deepEqual(msgs(validateObjectMeta({ name: 'ok', namespace: 'default' }, opts)), []);
  assert.deepEqual(msgs(validateObjectMeta({}, opts)), ['metadata.name: Required value: name or generateName is required']);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'x', labels: { app: 'a b' } }, opts)),
    ["metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'x', annotations: { big: 'x'.repeat(256 * 1024) } }, opts)),
    ['metadata.annotations: Too long: may not be more than 262144 bytes']);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'x', ownerReferences: [
    { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'a', uid: '1', controller: true },
    { apiVersion: 'v1', kind: 'Pod', name: 'b', uid: '', controller: true },
  ] }, opts)), [
    'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    'metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1","kind":"StatefulSet","name":"a","uid":"1","controller":true},{"apiVersion":"v1","kind":"Pod","name":"b","uid":"","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for StatefulSet/a and Pod/b',
  ]);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'x', finalizers: ['orphan', 'foregroundDeletion', 'mine'] }, opts)), [
    'metadata.finalizers: Invalid value: ["orphan","foregroundDeletion","mine"]: finalizer orphan and foregroundDeletion cannot be both set',
    'metadata.finalizers[2]: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'x', namespace: 'default' }, { ...opts, namespaced: false })),
    ['metadata.namespace: Forbidden: not allowed on this type']);
});

test('object meta update: generation may not go back', () => {
  assert.deepEqual(msgs(validateObjectMetaUpdate({ name: 'x', generation: 1 }, { name: 'x', generation: 2 })),
    ['metadata.generation: Invalid value: 1: must not be decremented']);
});

test('label selectors: validation and matching', () => {
  assert.deepEqual(validateLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, 'spec.selector').map(fieldErrorText),
    ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]);
  assert.deepEqual(validateLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Maybe' }] }, 's').map(fieldErrorText),
    ['s.matchExpressions[0].operator: Invalid value: "Maybe": not a valid selector operator']);
  const sel = { matchLabels: { app: 'nginx' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] };
  assert.equal(selectorMatches(sel, { app: 'nginx' }), true);
  assert.equal(selectorMatches(sel, { app: 'nginx', tier: 'db' }), false);
  assert.equal(selectorMatches(undefined, { app: 'nginx' }), false);
  assert.equal(selectorMatches({}, {}), true);
});

test('semanticEqual: nil, empty lists and empty objects are one value, at any depth', () => {
  assert.equal(semanticEqual(undefined, null), true);
  assert.equal(semanticEqual([], undefined), true);
  assert.equal(semanticEqual({ a: [], b: { c: null } }, {}), true);
  assert.equal(semanticEqual({ a: '' }, {}), false);
  assert.equal(semanticEqual({ a: 0 }, { a: false }), false);
  assert.equal(semanticEqual([null], [[]]), true);
  assert.equal(semanticEqual([null], []), false);
  assert.equal(semanticEqual({ a: { b: [1, { c: {} }] } }, { a: { b: [1, null] }, d: undefined }), true);
  assert.equal(semanticEqual({ a: 1, b: 2 }, { b: 2, a: 1 }), true);
  assert.equal(semanticEqual({ a: 1 }, { a: 1, b: 'x' }), false);
  assert.equal(semanticEqual(NaN, NaN), false);
});

test('semanticEqual agrees with comparing pruned copies (the definition) on random values', () => {
  const prune = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.length ? v.map(prune) : undefined;
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (prune(x) !== undefined) out[k] = prune(x);
      return Object.keys(out).length ? out : undefined;
    }
    return v === null ? undefined : v;
  };
  let seed = 7;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const gen = (d: number): unknown => {
    const r = rnd();
    if (d > 3 || r < 0.3) return [undefined, null, 0, 1, '', 'x', false, true][Math.floor(rnd() * 8)];
    if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 3) }, () => gen(d + 1));
    const o: Record<string, unknown> = {};
    for (const k of ['a', 'b', 'c']) if (rnd() < 0.5) o[k] = gen(d + 1);
    return o;
  };
  const mutate = (v: unknown, d: number): unknown => {
    if (rnd() < 0.3) return gen(d);
    if (Array.isArray(v)) return v.map((x) => (rnd() < 0.3 ? mutate(x, d + 1) : x));
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = { ...v };
      for (const k of ['a', 'b', 'c']) if (rnd() < 0.3) o[k] = mutate(o[k], d + 1);
      return o;
    }
    return v;
  };
  let equal = 0;
  for (let i = 0; i < 20_000; i++) {
    const a = gen(0);
    const b = rnd() < 0.5 ? mutate(a, 0) : rnd() < 0.5 ? structuredClone(a) : gen(0);
    const want = jsonEqual(prune(a), prune(b));
    if (want) equal++;
    assert.equal(semanticEqual(a, b), want, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  assert.ok(equal > 1000 && equal < 19_000, `both outcomes exercised (${equal} equal)`);
});
