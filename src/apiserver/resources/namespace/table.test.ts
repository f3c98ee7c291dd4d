import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { convertFieldSelector, parseFieldSelector } from '../../../core/index.js';
import type { Obj } from '../printing.js';
import { namespaceFieldLabels, namespaceFields } from './fields.js';
import { namespaceTable as table } from './table.js';

test('namespace rows and field selectors', () => {
  const ns: Namespace = { metadata: { name: 'default', creationTimestamp: '2026-11-26T12:00:00Z' }, status: { phase: 'Active' } };
  assert.deepEqual(table.row(ns as Obj<Namespace>, new Date('2026-11-27T12:00:00Z')), ['default', 'Active', '24h']);
  const sel = convertFieldSelector(parseFieldSelector('status.phase=Terminating'), namespaceFieldLabels);
  assert.equal(sel.matches(namespaceFields(ns)), false);
  assert.throws(() => convertFieldSelector(parseFieldSelector('metadata.namespace=x'), namespaceFieldLabels),
    /field label not supported: metadata.namespace/);
});
