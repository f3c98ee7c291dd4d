// Three sim nodes and the scheduler: kind-style names and roles, one pod CIDR per node, and a
// StatefulSet-like set of replicas (preferred anti-affinity on their app label) spread evenly.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Pods } from '../../src/core/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually, ok, tableRows } from './helpers.js';
import { pod, startNodeCluster } from './node-support.js';

const NODES = ['berth-control-plane', 'berth-worker', 'berth-worker2'];

describe('three sim nodes', () => {
  let c: TestCluster;
  let k: ReturnType<TestCluster['kubectl']>;
  before(async () => {
    c = await startNodeCluster(3);
    k = c.kubectl('33');
  });
  after(async () => { await c?.stop(); });

  it('registers three Ready nodes named like a kind cluster', async () => {
    const rows = await eventually(async () => {
      const r = tableRows(ok(await k(['get', 'nodes'])));
      return r.length === 4 && r.slice(1).every((x) => x[1] === 'Ready') ? r : undefined;
    }, 'three Ready nodes');
    assert.deepEqual(rows.slice(1).map((r) => [r[0], r[2]]), [['berth-control-plane', 'control-plane'], ['berth-worker', '<none>'], ['berth-worker2', '<none>']]);
  });

  it('spreads replicas evenly, each with an IP from its node\'s pod CIDR', async () => {
    const affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{
      weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
    }] } };
    for (let i = 0; i < 6; i++) await c.client.create(Pods, pod(`web-${i}`, { affinity }, { app: 'web' }));
    ok(await k(['wait', '--for=condition=Ready', 'pod', '-l', 'app=web', '--timeout=30s']), 'wait');
    const rows = tableRows(ok(await k(['get', 'pods', '-l', 'app=web', '-o', 'wide'])));
    const col = (h: string) => rows[0]!.indexOf(h);
    const perNode = new Map<string, number>();
    for (const r of rows.slice(1)) {
      assert.equal(r[col('STATUS')], 'Running');
      const node = r[col('NODE')]!;
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
      const third = Number(r[col('IP')]!.split('.')[2]);
      assert.match(r[col('IP')]!, /^10\.244\.\d+\.\d+$/);
      assert.equal(Math.floor(third / 8), NODES.indexOf(node), `${r[0]} (${r[col('IP')]}) is in ${node}'s 10.244.${8 * NODES.indexOf(node)}.0/21`);
    }
    assert.deepEqual([...perNode].sort(), NODES.map((n) => [n, 2]));
    ok(await k(['delete', 'pod', '-l', 'app=web']), 'delete');
    const left = await k(['get', 'pods', '-l', 'app=web']);
    assert.equal(left.stdout.trim(), '', 'kubectl delete waited until every replica was gone');
    assert.match(left.stderr, /No resources found in default namespace/);
  });
});
