import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from 'kubernetes-types/core/v1.js';
import { convertFieldSelector, parseFieldSelector } from '../../../core/index.js';
import type { Obj } from '../printing.js';
import { eventFieldLabels, eventFields } from './fields.js';
import { eventTable as table } from './table.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const row = (o: Event) => table.row(o as Obj<Event>, NOW);

const pulled: Event = {
  metadata: { name: 'web-0.17f0a1b2c3d4e5f6', namespace: 'default' },
  involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'default', uid: 'u-1',
    fieldPath: 'spec.containers{nginx}' },
  reason: 'Pulled', message: '  Container image "nginx:1.27" already present on machine\n', type: 'Normal',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2026-11-27T11:58:00Z', lastTimestamp: '2026-11-27T11:59:00Z', count: 3,
};

test('event columns and a core/v1 event', () => {
  assert.deepEqual(table.columns.map((c) => `${c.name}${c.priority ? '(wide)' : ''}`), ['Last Seen', 'Type', 'Reason', 'Object',
    'Subobject(wide)', 'Source(wide)', 'Message', 'First Seen(wide)', 'Count(wide)', 'Name(wide)']);
  assert.equal(table.columns[9]!.format, 'name');
  assert.deepEqual(row(pulled), ['60s', 'Normal', 'Pulled', 'pod/web-0', 'spec.containers{nginx}', 'kubelet, node-1',
    'Container image "nginx:1.27" already present on machine', '2m', 3, 'web-0.17f0a1b2c3d4e5f6']);
});

test('new-style events: eventTime, series, reportingComponent; singleton count', () => {
  const ev: Event = {
    metadata: { name: 'x.1', namespace: 'default' }, involvedObject: { kind: 'StatefulSet', name: 'web' },
    reason: 'SuccessfulCreate', type: 'Normal', message: 'create Pod web-0 in StatefulSet web successful',
    eventTime: '2026-11-27T11:49:59.500001Z', reportingComponent: 'statefulset-controller', reportingInstance: 'berth',
  };
  assert.deepEqual(row(ev).slice(0, 9), ['10m', 'Normal', 'SuccessfulCreate', 'statefulset/web', '',
    'statefulset-controller, berth', 'create Pod web-0 in StatefulSet web successful', '10m', 1]);
  const series: Event = { ...ev, series: { count: 7, lastObservedTime: '2026-11-27T11:59:30.000000Z' } };
  assert.deepEqual([row(series)[0], row(series)[8]], ['30s', 7]);
  assert.deepEqual(row({ metadata: { name: 'y' }, involvedObject: { kind: 'Node' } }).slice(0, 4), ['<unknown>', '', '', 'node']);
});

test('event field selectors as kubectl describe sends them', () => {
  const sel = convertFieldSelector(parseFieldSelector(
    'involvedObject.name=web-0,involvedObject.namespace=default,involvedObject.uid=u-1,involvedObject.kind=Pod'), eventFieldLabels);
  assert.equal(sel.matches(eventFields(pulled)), true);
  assert.equal(sel.matches(eventFields({ ...pulled, involvedObject: { ...pulled.involvedObject, uid: 'u-2' } })), false);
  assert.equal(eventFields(pulled)['source'], 'kubelet');
  assert.equal(eventFields({ metadata: {}, involvedObject: {}, reportingComponent: 'kube-scheduler' })['source'], 'kube-scheduler');
  assert.throws(() => convertFieldSelector(parseFieldSelector('message=x'), eventFieldLabels), /field label not supported: message/);
});
