// The event recorder against a real API server: repeats counted, similar messages combined,
// a burst capped per object.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Event } from 'kubernetes-types/core/v1.js';
import { Events, type KubeObject } from '../../core/index.js';
import { silentLogger } from '../../controller-runtime/index.js';
import { startTestCluster, type TestCluster } from '../../testing/index.js';
import { createEventRecorder } from './events.js';

let cluster: TestCluster;
before(async () => { cluster = await startTestCluster(); });
after(async () => { await cluster?.stop(); });

const set = (name: string) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: 'default', uid: `uid-${name}` } });
const events = async (name: string) => (await cluster.client.list<Event & KubeObject>(Events, { namespace: 'default' }))
  .items.filter((e) => e.involvedObject.name === name);

test('a repeated event is counted on one Event, with source and involved object', async () => {
  let t = Date.parse('2030-01-01T00:00:00Z');
  const rec = createEventRecorder(cluster.client, 'statefulset-controller', silentLogger, () => t);
  for (let i = 0; i < 3; i++) { rec.record(set('rep'), 'Warning', 'FailedCreate', 'create Pod rep-0 in StatefulSet rep failed error: x'); t += 1000; }
  await rec.flush();
  const [ev, ...rest] = await events('rep');
  assert.equal(rest.length, 0);
  assert.equal(ev.count, 3);
  assert.equal(ev.firstTimestamp, '2030-01-01T00:00:00Z');
  assert.equal(ev.lastTimestamp, '2030-01-01T00:00:02Z');
  assert.deepEqual(ev.source, { component: 'statefulset-controller' });
  assert.deepEqual([ev.involvedObject.kind, ev.involvedObject.apiVersion, ev.involvedObject.uid], ['StatefulSet', 'apps/v1', 'uid-rep']);
  assert.equal(ev.type, 'Warning');
});

test('from the tenth different message of one reason on, one combined Event is counted', async () => {
  const rec = createEventRecorder(cluster.client, 'statefulset-controller', silentLogger);
  for (let i = 0; i < 15; i++) rec.record(set('agg'), 'Normal', 'SuccessfulCreate', `create Pod agg-${i} in StatefulSet agg successful`);
  await rec.flush();
  const list = await events('agg');
  assert.equal(list.length, 10);
  const combined = list.filter((e) => e.message!.startsWith('(combined from similar events): '));
  assert.equal(combined.length, 1);
  assert.equal(combined[0].count, 6);
  assert.equal(combined[0].message, '(combined from similar events): create Pod agg-14 in StatefulSet agg successful');
});

test('an object gets at most 25 events in a burst', async () => {
  const rec = createEventRecorder(cluster.client, 'statefulset-controller', silentLogger);
  for (let i = 0; i < 40; i++) rec.record(set('spam'), 'Normal', `Reason${i}`, 'm');
  await rec.flush();
  assert.equal((await events('spam')).length, 25);
});
