// The event recorder against a real API server: repeats count up on one Event, many messages
// of one reason combine, a noisy object is throttled, cluster-scoped objects report to
// `default` — what `kubectl describe` then shows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Events, PersistentVolumeClaims, PersistentVolumes, type KubeObject } from '../core/index.js';
import { startTestCluster, type TestCluster } from '../testing/index.js';
import { createEventRecorder } from './event-recorder.js';

describe('event recorder', () => {
  let cluster: TestCluster;
  let clock = Date.parse('2026-03-01T10:00:00Z');
  const now = () => new Date(clock);
  before(async () => { cluster = await startTestCluster(); });
  after(async () => { await cluster?.stop(); });

  const about = async (name: string) => (await cluster.client.list<KubeObject>(Events, { namespace: 'default', fieldSelector: `involvedObject.name=${name}` })).items;
  const claim = (name: string): KubeObject => ({ metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7' } });

  it('writes one Event per distinct event and counts repeats on it', async () => {
    const rec = createEventRecorder(cluster.client, { component: 'persistentvolume-controller' }, { now });
    rec.event(PersistentVolumeClaims, claim('c1'), 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    clock += 15_000;
    rec.event(PersistentVolumeClaims, claim('c1'), 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    clock += 15_000;
    rec.event(PersistentVolumeClaims, claim('c1'), 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    rec.event(PersistentVolumeClaims, claim('c1'), 'Warning', 'ProvisioningFailed', 'boom');
    await rec.flush();
    const evs = await about('c1');
    assert.equal(evs.length, 2);
    const wait = evs.find((e) => e.reason === 'WaitForFirstConsumer')!;
    assert.equal(wait.count, 3);
    assert.equal(wait.firstTimestamp, '2026-03-01T10:00:00Z');
    assert.equal(wait.lastTimestamp, '2026-03-01T10:00:30Z');
    assert.equal(wait.type, 'Normal');
    assert.deepEqual(wait.source, { component: 'persistentvolume-controller' });
    assert.equal(wait.reportingComponent, 'persistentvolume-controller');
    assert.deepEqual(wait.involvedObject, { kind: 'PersistentVolumeClaim', apiVersion: 'v1', name: 'c1', namespace: 'default', uid: 'uid-c1', resourceVersion: '7' });
    assert.match(wait.metadata!.name!, /^c1\.[0-9a-f]+$/);
  });

  it('combines more than ten messages of one reason into one "(combined from similar events)" Event', async () => {
    const rec = createEventRecorder(cluster.client, { component: 'test' }, { now });
    for (let i = 0; i < 12; i++) rec.event(PersistentVolumeClaims, claim('c2'), 'Warning', 'ProvisioningFailed', `attempt ${i} failed`);
    await rec.flush();
    const evs = await about('c2');
    assert.equal(evs.length, 10, 'nine single events and one combined');
    const combined = evs.find((e) => String(e.message).startsWith('(combined from similar events): '))!;
    assert.equal(combined.message, '(combined from similar events): attempt 11 failed');
    assert.equal(combined.count, 3);
  });

  it('throttles a noisy object to 25 events, then one per five minutes', async () => {
    const rec = createEventRecorder(cluster.client, { component: 'spam' }, { now });
    for (let i = 0; i < 30; i++) rec.event(PersistentVolumeClaims, claim('c3'), 'Normal', `Reason${i}`, 'm');
    await rec.flush();
    assert.equal((await about('c3')).length, 25);
    clock += 300_000;
    rec.event(PersistentVolumeClaims, claim('c3'), 'Normal', 'Reason99', 'm');
    rec.event(PersistentVolumeClaims, claim('c3'), 'Normal', 'Reason98', 'm');
    await rec.flush();
    assert.equal((await about('c3')).length, 26);
  });

  it('files events about cluster-scoped objects in the default namespace', async () => {
    const rec = createEventRecorder(cluster.client, { component: 'persistentvolume-controller' }, { now });
    rec.event(PersistentVolumes, { metadata: { name: 'pv1', uid: 'uid-pv1' } }, 'Warning', 'VolumeFailedDelete', 'no deleter');
    await rec.flush();
    const [ev] = await about('pv1');
    assert.equal(ev?.metadata?.namespace, 'default');
    assert.deepEqual(ev?.involvedObject, { kind: 'PersistentVolume', apiVersion: 'v1', name: 'pv1', uid: 'uid-pv1' });
  });
});
