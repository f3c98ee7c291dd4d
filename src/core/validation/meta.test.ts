import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorText } from './error-text.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
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
