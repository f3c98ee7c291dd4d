import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Secret } from 'kubernetes-types/core/v1.js';
import { convertFieldSelector, parseFieldSelector } from '../../../core/index.js';
import type { Obj } from '../printing.js';
import { secretFieldLabels, secretFields } from './fields.js';
import { secretTable as table } from './table.js';

test('secret TYPE and DATA, and the type field selector', () => {
  const s: Secret = { metadata: { name: 'creds', creationTimestamp: '2026-11-27T11:00:00Z' }, type: 'Opaque',
    data: { user: 'YWRtaW4=' }, stringData: { password: 'x', user: 'admin' } };
  assert.deepEqual(table.row(s as Obj<Secret>, new Date('2026-11-27T12:00:00Z')), ['creds', 'Opaque', 2, '60m']);
  assert.deepEqual(table.columns.map((c) => c.name), ['Name', 'Type', 'Data', 'Age']);
  assert.equal(convertFieldSelector(parseFieldSelector('type=Opaque'), secretFieldLabels).matches(secretFields(s)), true);
  assert.throws(() => convertFieldSelector(parseFieldSelector('data=x'), secretFieldLabels), /field label not supported: data/);
});
