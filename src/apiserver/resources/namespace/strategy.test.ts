import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorText } from '../../../core/validation/index.js';
import { namespaceStrategy as s, type NamespaceObject } from './strategy.js';

const ns = (name: string): NamespaceObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

test('a new namespace is Active, finalized by "kubernetes" and labelled with its name', () => {
  const obj = ns('team-a');
  s.defaults(obj);
  s.prepareForCreate(obj, { now: new Date() });
  assert.deepEqual(s.validate(obj), []);
  assert.deepEqual(obj.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(obj.status, { phase: 'Active' });
  assert.deepEqual(obj.metadata!.labels, { 'kubernetes.io/metadata.name': 'team-a' });
});

test('namespace names are DNS labels; finalizers are qualified or standard', () => {
  const dotted = ns('a.b');
  s.defaults(dotted);
  assert.deepEqual(s.validate(dotted).map(fieldErrorText), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  const odd = ns('x');
  odd.spec = { finalizers: ['custom'] };
  assert.deepEqual(s.validate(odd).map(fieldErrorText),
    ['spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']);
});

test('spec writes keep finalizers; status phase follows deletion', () => {
  const prev = ns('x');
  s.defaults(prev);
  s.prepareForCreate(prev, { now: new Date() });
  const next = structuredClone(prev);
  next.spec = { finalizers: [] };
  s.prepareForUpdate(next, prev);
  assert.deepEqual(next.spec, { finalizers: ['kubernetes'] });
  const term = structuredClone(prev);
  (term as { status?: object }).status = { phase: 'Terminating' };
  assert.deepEqual(s.validateStatusUpdate(term, prev).map(fieldErrorText),
    ["status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"]);
});
