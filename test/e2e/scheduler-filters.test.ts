// The scheduler against a real API server, with nodes created directly and kubectl doing what
// a user does (cordon, taint, label): where pods go, the FailedScheduling events and
// PodScheduled conditions with upstream's messages, and retries when the cluster changes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Events, Pods, type KubeObject } from '../../src/core/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually, ok, tableRows } from './helpers.js';
import { createNode, failedScheduling, nodeOf, podSpec, scheduledTo, startSchedulerCluster, type PodObject } from './scheduler-support.js';

describe('scheduler: filters and messages', () => {
  let c: TestCluster;
  let k: ReturnType<TestCluster['kubectl']>;
  before(async () => {
    c = await startSchedulerCluster();
    k = c.kubectl('33');
  });
  after(async () => { await c?.stop(); });

  const deletePods = async (...names: string[]) => {
    for (const name of names) await c.client.delete(Pods, { namespace: 'default', name }, { gracePeriodSeconds: 0 }).catch(() => {});
  };

  it('says there are no nodes, then binds the pod once a node registers', async () => {
    await c.client.create(Pods, podSpec('early'));
    await failedScheduling(c, 'early', 'no nodes available to schedule pods');
    await createNode(c, 'alpha');
    assert.equal(await scheduledTo(c, 'early'), 'alpha');
    const events = await eventually(async () => {
      const list = await c.client.list<KubeObject & { reason?: string; message?: string; source?: { component?: string } }>(Events, { namespace: 'default' });
      const mine = list.items.filter((e) => (e.involvedObject as { name?: string }).name === 'early');
      return mine.some((e) => e.reason === 'Scheduled') ? mine : undefined;
    }, 'Scheduled event');
    assert.ok(events.some((e) => e.reason === 'FailedScheduling' && e.message === 'no nodes available to schedule pods'));
    const scheduled = events.find((e) => e.reason === 'Scheduled')!;
    assert.equal(scheduled.message, 'Successfully assigned default/early to alpha');
    assert.equal(scheduled.source?.component, 'default-scheduler');
    const cond = (await c.client.get<PodObject>(Pods, { namespace: 'default', name: 'early' })).status?.conditions?.find((x) => x.type === 'PodScheduled');
    assert.equal(cond?.status, 'True');
    await deletePods('early');
  });

  it('reports every node\'s reason in upstream\'s shape and retries when a node changes', async () => {
    await createNode(c, 'beta');
    await createNode(c, 'gamma', { labels: { disk: 'hdd' } });
    ok(await k(['taint', 'nodes', 'alpha', 'dedicated=db:NoSchedule']), 'taint');
    ok(await k(['cordon', 'beta']), 'cordon');
    await c.client.create(Pods, podSpec('picky', { nodeSelector: { disk: 'ssd' } }));
    const message = "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: db}, "
      + '1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    await failedScheduling(c, 'picky', message);
    const described = ok(await k(['describe', 'pod', 'picky']));
    assert.match(described, /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/3 nodes are available: 1 node\(s\) didn't match/);
    assert.ok(described.replace(/\s+/g, ' ').includes(message), described);
    assert.equal(ok(await k(['get', 'pod', 'picky', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].reason}'])), 'Unschedulable');

    ok(await k(['label', 'node', 'gamma', 'disk=ssd', '--overwrite']), 'label');
    assert.equal(await scheduledTo(c, 'picky'), 'gamma');
    const rows = tableRows(ok(await k(['get', 'pod', 'picky', '-o', 'wide'])));
    assert.equal(rows[1]![rows[0]!.indexOf('NODE')], 'gamma');
    await deletePods('picky');
  });

  it('lets tolerating pods onto tainted nodes and keeps cordoned nodes empty', async () => {
    const tolerant = podSpec('tolerant', {
      nodeSelector: { 'kubernetes.io/hostname': 'alpha' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }],
    });
    await c.client.create(Pods, tolerant);
    assert.equal(await scheduledTo(c, 'tolerant'), 'alpha');
    for (let i = 0; i < 4; i++) await c.client.create(Pods, podSpec(`plain-${i}`));
    for (let i = 0; i < 4; i++) assert.equal(await scheduledTo(c, `plain-${i}`), 'gamma', 'alpha is tainted, beta cordoned');
    ok(await k(['uncordon', 'beta']), 'uncordon');
    await c.client.create(Pods, podSpec('after-uncordon'));
    assert.equal(await scheduledTo(c, 'after-uncordon'), 'beta', 'the emptier node wins');
    await deletePods('tolerant', 'plain-0', 'plain-1', 'plain-2', 'plain-3', 'after-uncordon');
    ok(await k(['taint', 'nodes', 'alpha', 'dedicated-']), 'untaint');
  });

  it('fits requests into allocatable minus what bound pods request, and retries when room frees up', async () => {
    await createNode(c, 'small', { labels: { size: 'small' }, allocatable: { cpu: '2', memory: '1Gi', pods: '2' } });
    const onSmall = (name: string, cpu: string, memory = '64Mi') => podSpec(name, {
      nodeSelector: { size: 'small' }, containers: [{ name: 'app', image: 'nginx:1.9.1', resources: { requests: { cpu, memory } } }],
    });
    await c.client.create(Pods, onSmall('big', '1500m'));
    assert.equal(await scheduledTo(c, 'big'), 'small');
    await c.client.create(Pods, onSmall('second', '1', '2Gi'));
    await failedScheduling(c, 'second', "0/4 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 3 node(s) didn't match Pod's node affinity/selector. "
      + 'preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.');
    await c.client.create(Pods, onSmall('tiny', '100m'));
    assert.equal(await scheduledTo(c, 'tiny'), 'small');
    await c.client.create(Pods, onSmall('third', '10m'));
    await failedScheduling(c, 'third', "0/4 nodes are available: 1 Too many pods, 3 node(s) didn't match Pod's node affinity/selector. "
      + 'preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.');
    await c.client.delete(Pods, { namespace: 'default', name: 'tiny' }, { gracePeriodSeconds: 0 });
    assert.equal(await scheduledTo(c, 'third'), 'small', 'a pod leaving the node wakes the parked ones');
    await deletePods('big', 'second', 'third');
  });

  it('keeps host ports apart', async () => {
    const withPort = (name: string) => podSpec(name, {
      nodeSelector: { size: 'small' }, containers: [{ name: 'app', image: 'nginx:1.9.1', ports: [{ containerPort: 80, hostPort: 8080 }] }],
    });
    await c.client.create(Pods, withPort('port-a'));
    assert.equal(await scheduledTo(c, 'port-a'), 'small');
    await c.client.create(Pods, withPort('port-b'));
    const msg = await failedScheduling(c, 'port-b');
    assert.match(msg, /1 node\(s\) didn't have free ports for the requested pod ports/);
    await deletePods('port-a', 'port-b');
  });

  it('leaves pods of other schedulers, gated pods and pods with a node alone', async () => {
    await c.client.create(Pods, podSpec('other', { schedulerName: 'someone-else' }));
    await c.client.create(Pods, podSpec('gated', { schedulingGates: [{ name: 'example.com/wait' }] }));
    await c.client.create(Pods, podSpec('pinned', { nodeName: 'beta' }));
    await c.client.create(Pods, podSpec('canary'));
    await scheduledTo(c, 'canary');
    assert.equal(await nodeOf(c, 'other'), undefined);
    assert.equal(await nodeOf(c, 'gated'), undefined);
    assert.equal(await nodeOf(c, 'pinned'), 'beta');
    const gated = await c.client.get<PodObject>(Pods, { namespace: 'default', name: 'gated' });
    assert.equal(gated.status?.conditions?.find((x) => x.type === 'PodScheduled')?.reason, 'SchedulingGated');
    await deletePods('other', 'gated', 'pinned', 'canary');
  });
});
