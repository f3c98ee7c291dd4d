// Inter-pod affinity and anti-affinity as users put them on StatefulSets, and node affinity,
// against a real API server: hostname and zone topologies, required and preferred terms.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { Pods } from '../../src/core/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually } from './helpers.js';
import { createNode, failedScheduling, nodeOf, podSpec, scheduledTo, startSchedulerCluster } from './scheduler-support.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const term = (app: string, topologyKey = HOST): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey });

describe('scheduler: pod affinity and anti-affinity', () => {
  let c: TestCluster;
  const created: string[] = [];
  before(async () => {
    c = await startSchedulerCluster();
    await createNode(c, 'n1', { labels: { [ZONE]: 'z1' } });
    await createNode(c, 'n2', { labels: { [ZONE]: 'z1' } });
    await createNode(c, 'n3', { labels: { [ZONE]: 'z2' } });
  });
  after(async () => { await c?.stop(); });

  const create = async (...args: Parameters<typeof podSpec>) => {
    created.push(args[0]);
    await c.client.create(Pods, podSpec(...args));
  };
  const cleanup = async () => {
    for (const name of created.splice(0)) await c.client.delete(Pods, { namespace: 'default', name }, { gracePeriodSeconds: 0 }).catch(() => {});
  };

  it('required anti-affinity on the hostname puts one replica per node, and no fourth', async () => {
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } };
    for (let i = 0; i < 3; i++) await create(`db-${i}`, { affinity: anti }, { app: 'db' });
    const nodes = new Set<string>();
    for (let i = 0; i < 3; i++) nodes.add(await scheduledTo(c, `db-${i}`));
    assert.deepEqual([...nodes].sort(), ['n1', 'n2', 'n3']);
    await create('db-3', { affinity: anti }, { app: 'db' });
    await failedScheduling(c, 'db-3', "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. "
      + 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    // A pod without terms of its own is kept away by the existing pods' terms.
    await create('intruder', {}, { app: 'db' });
    await failedScheduling(c, 'intruder', "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules. "
      + 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    await c.client.delete(Pods, { namespace: 'default', name: 'db-0' }, { gracePeriodSeconds: 0 });
    const freed = await eventually(async () => (await nodeOf(c, 'db-3')) ?? (await nodeOf(c, 'intruder')), 'a waiting pod on the freed node');
    assert.ok(['n1', 'n2', 'n3'].includes(freed), 'the freed node takes one of the waiting pods');
    await cleanup();
  });

  it('required affinity follows the matched pod, and the first of a group may go anywhere', async () => {
    await create('cache', {}, { app: 'cache' });
    const at = await scheduledTo(c, 'cache');
    await create('web', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('cache')] } } });
    assert.equal(await scheduledTo(c, 'web'), at);
    await create('self', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('self')] } } }, { app: 'self' });
    await scheduledTo(c, 'self');
    await create('lonely', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('nobody')] } } });
    await failedScheduling(c, 'lonely', "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. "
      + 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    await cleanup();
  });

  it('zone topology: anti-affinity per zone, affinity to a zone', async () => {
    const antiZone = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('zonal', ZONE)] } };
    await create('zonal-a', { affinity: antiZone }, { app: 'zonal' });
    await create('zonal-b', { affinity: antiZone }, { app: 'zonal' });
    const a = await scheduledTo(c, 'zonal-a'), b = await scheduledTo(c, 'zonal-b');
    const zone = (n: string) => (n === 'n3' ? 'z2' : 'z1');
    assert.notEqual(zone(a), zone(b));
    await create('follower', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('zonal', ZONE)] } }, nodeSelector: { [ZONE]: 'z1' } });
    assert.equal(zone(await scheduledTo(c, 'follower')), 'z1');
    await cleanup();
  });

  it('topology spread constraints (DoNotSchedule) keep zones within maxSkew', async () => {
    const spread = [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }];
    const zones = new Map<string, number>();
    for (let i = 0; i < 4; i++) {
      await create(`spread-${i}`, { topologySpreadConstraints: spread }, { app: 'spread' });
      const z = (await scheduledTo(c, `spread-${i}`)) === 'n3' ? 'z2' : 'z1';
      zones.set(z, (zones.get(z) ?? 0) + 1);
    }
    assert.deepEqual([...zones].sort(), [['z1', 2], ['z2', 2]]);
    await create('no-racks', { topologySpreadConstraints: [{ ...spread[0]!, topologyKey: 'example.com/rack' }] }, { app: 'spread' });
    await failedScheduling(c, 'no-racks', "0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints (missing required label). "
      + 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    await cleanup();
  });

  it('preferred anti-affinity spreads replicas, preferred node affinity steers them', async () => {
    const spread = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term('web') }] } };
    const nodes: string[] = [];
    for (let i = 0; i < 3; i++) {
      await create(`web-${i}`, { affinity: spread }, { app: 'web' });
      nodes.push(await scheduledTo(c, `web-${i}`));
    }
    assert.deepEqual([...nodes].sort(), ['n1', 'n2', 'n3']);
    const prefer = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 80, preference: { matchExpressions: [{ key: ZONE, operator: 'In', values: ['z2'] }] } }] } };
    await create('likes-z2', { affinity: prefer });
    assert.equal(await scheduledTo(c, 'likes-z2'), 'n3');
    const required = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOST, operator: 'NotIn', values: ['n1', 'n2'] }] }] } } };
    await create('not-n1-n2', { affinity: required });
    assert.equal(await scheduledTo(c, 'not-n1-n2'), 'n3');
    await cleanup();
  });
});
