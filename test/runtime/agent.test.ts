// The node agent on the linux runtime, end to end through the API: a pod runs as real
// processes (hostname = pod name, pod IP from the node's CIDR, runc:// container IDs), a pod
// whose command fails ends Failed with its exit code, and deleting pods leaves nothing behind.
// Needs root; skipped otherwise.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isNotFound, Pods } from '../../src/core/index.js';
import { nodeAgent } from '../../src/kubelet/index.js';
import { containerLog } from '../../src/kubelet/runtime/linux/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { eventually } from '../e2e/helpers.js';
import { FAST, getPod, pod, podPhase, schedulerManager } from '../e2e/node-support.js';
import { fixture, skipReason, teardown, type Fixture } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

describe('node agent on the linux runtime', { skip }, () => {
  let c: TestCluster;
  let f: Fixture;
  const ac = new AbortController();
  let running: Promise<void> | undefined;
  before(async () => {
    f = await fixture('agt', 216);
    c = await startTestCluster({ components: [schedulerManager()] });
    running = nodeAgent({
      nodeName: 'berth-control-plane', runtime: f.runtime, podCIDR: f.cidr, address: '172.18.0.2', ...FAST,
    }).run(c.client, ac.signal);
  });
  after(async () => {
    ac.abort();
    await running;
    await c?.stop();
    if (f) assert.deepEqual(await teardown(f), [], 'nothing of the runtime is left behind');
  });

  it('runs a pod as real processes and deletes it gracefully', async () => {
    const t = Date.now();
    await c.client.create(Pods, pod('web-0', {
      containers: [{ name: 'app', image: 'busybox:test', command: ['sh', '-c', 'echo "hello $(hostname)"; trap "exit 0" TERM; while true; do sleep 0.1; done'] }],
    }));
    const p = await podPhase(c, 'web-0', 'Running');
    console.log(`# pod create → Running ${Date.now() - t} ms`);
    assert.ok((p.status?.podIP ?? '').startsWith(f.cidr.replace(/0\/24$/, '')), `${p.status?.podIP} is in ${f.cidr}`);
    const cs = p.status!.containerStatuses![0]!;
    assert.match(cs.containerID ?? '', /^runc:\/\/[0-9a-f]{32}$/);
    assert.equal(cs.imageID, 'docker.io/library/busybox@sha256:test');
    const id = cs.containerID!.slice('runc://'.length);
    await eventually(async () => (await containerLog(f.runtime, id)) === 'hello web-0\n', 'the log');
    await c.client.delete(Pods, { namespace: 'default', name: 'web-0' });
    await eventually(async () => {
      try { await getPod(c, 'web-0'); return false; } catch (e) { return isNotFound(e); }
    }, 'web-0 deleted');
    await eventually(async () => (await f.runtime.listPodSandboxes({ podName: 'web-0' })).length === 0 || undefined, 'sandbox removed');
  });

  it('reports a failing command with its exit code', async () => {
    await c.client.create(Pods, pod('fails', {
      restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:test', command: ['sh', '-c', 'exit 3'] }],
    }));
    const p = await podPhase(c, 'fails', 'Failed');
    const term = p.status!.containerStatuses![0]!.state?.terminated;
    assert.equal(term?.exitCode, 3);
    assert.equal(term?.reason, 'Error');
    await c.client.delete(Pods, { namespace: 'default', name: 'fails' }, { gracePeriodSeconds: 0 });
  });
});
