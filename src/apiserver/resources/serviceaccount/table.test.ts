import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { Obj } from '../printing.js';
import { serviceAccountTable as table } from './table.js';

test('SECRETS counts the listed secrets', () => {
  const now = new Date('2026-11-27T12:00:00Z');
  const sa: ServiceAccount = { metadata: { name: 'default', creationTimestamp: '2026-11-27T09:30:00Z' } };
  assert.deepEqual(table.row(sa as Obj<ServiceAccount>, now), ['default', 0, '150m']);
  assert.deepEqual(table.row({ ...sa, secrets: [{ name: 'a' }] } as Obj<ServiceAccount>, now), ['default', 1, '150m']);
});
