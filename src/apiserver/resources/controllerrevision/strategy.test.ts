import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorText } from '../../../core/validation/index.js';
import { controllerRevisionStrategy as s, type ControllerRevisionObject } from './strategy.js';

const cr = (): ControllerRevisionObject => ({
  apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'web-7b9f8d6c4d', namespace: 'default' },
  data: { spec: { template: { $patch: 'replace' } } }, revision: 1,
});

test('ControllerRevision requires data and a non-negative revision (I13)', () => {
  assert.deepEqual(s.validate(cr()), []);
  const bad = cr();
  delete bad.data;
  bad.revision = -1;
  assert.deepEqual(s.validate(bad).map(fieldErrorText), ['data: Required value: data is mandatory', 'revision: Invalid value: -1: must be greater than or equal to 0']);
});

test('ControllerRevision data is immutable, revision may change (D5)', () => {
  const prev = cr();
  const bumped = structuredClone(prev);
  bumped.revision = 3;
  assert.deepEqual(s.validateUpdate(bumped, prev), []);
  const changed = structuredClone(prev);
  changed.data = { spec: {} };
  assert.deepEqual(s.validateUpdate(changed, prev).map(fieldErrorText), ['data: Invalid value: {"spec":{}}: field is immutable']);
});
