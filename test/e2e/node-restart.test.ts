// An agent restart: the new agent on the same runtime state re-adopts running pods without
// restarting them, finishes deletions requested while it was down, and removes the sandboxes
// of pods that were force-deleted meanwhile.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isNotFound, Pods } from '../../src/core/index.js';
import { memoryStateStore, nodeAgent, SIM_NODE_CAPACITY, SimRuntime, type SimRecord } from '../../src/kubelet/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { eventually } from './helpers.js';
import { FAST, getPod, pod, podPhase, schedulerManager } from './node-support.js';

describe('node agent: restart', () => {
  let c: TestCluster;
  const state = memoryStateStore<SimRecord>();
  const agent = (runtime: SimRuntime) => nodeAgent({
    nodeName: 'berth-control-plane', runtime, podCIDR: '10.244.0.0/24', address: '172.18.0.2', capacity: SIM_NODE_CAPACITY, ...FAST,
  });
  before(async () => { c = await startTestCluster({ components: [schedulerManager()] }); });
  after(async () => { await c?.stop(); });

  it('re-adopts running pods, finishes deletions and cleans up after pods deleted while it was down', async () => {
    const first = new AbortController();
    const run1 = agent(new SimRuntime({ state })).run(c.client, first.signal);
    for (const name of ['keeper', 'leaver', 'goner']) await c.client.create(Pods, pod(name));
    const before = await podPhase(c, 'keeper', 'Running');
    await podPhase(c, 'leaver', 'Running');
    const goner = await podPhase(c, 'goner', 'Running');
    first.abort();
    await run1;

    // While the agent is down: a graceful delete waits for it, a forced one does not.
    await c.client.delete(Pods, { namespace: 'default', name: 'leaver' });
    assert.ok((await getPod(c, 'leaver')).metadata?.deletionTimestamp, 'waits for the agent to confirm');
    await c.client.delete(Pods, { namespace: 'default', name: 'goner' }, { gracePeriodSeconds: 0 });

    const runtime = new SimRuntime({ state });
    assert.ok((await runtime.listPodSandboxes()).some((s) => s.podUid === goner.metadata?.uid), 'the forced pod still has its sandbox');
    const second = new AbortController();
    const run2 = agent(runtime).run(c.client, second.signal);
    try {
      await eventually(async () => {
        try { await getPod(c, 'leaver'); return false; } catch (e) { return isNotFound(e); }
      }, 'leaver confirmed deleted');
      await eventually(async () => !(await runtime.listPodSandboxes()).some((s) => s.podUid === goner.metadata?.uid), 'goner sandbox removed');

      const after = await getPod(c, 'keeper');
      const [b, a] = [before.status!.containerStatuses![0]!, after.status!.containerStatuses![0]!];
      assert.equal(a.containerID, b.containerID, 'same container, not restarted');
      assert.equal(a.restartCount, 0);
      assert.equal(a.state?.running?.startedAt, b.state?.running?.startedAt);
      assert.equal(after.status?.podIP, before.status?.podIP);
      assert.equal(after.status?.phase, 'Running');
      const sandboxes = (await runtime.listPodSandboxes()).filter((s) => s.podUid === before.metadata?.uid);
      assert.equal(sandboxes.length, 1);
    } finally {
      await c.client.delete(Pods, { namespace: 'default', name: 'keeper' }).catch(() => {});
      await eventually(async () => {
        try { await getPod(c, 'keeper'); return false; } catch (e) { return isNotFound(e); }
      }, 'keeper deleted');
      second.abort();
      await run2;
    }
  });
});
