// Local ephemeral storage eviction on real pods: the node agent on the linux runtime (runc),
// its volume manager on a private directory, the eviction manager checking every 300 ms.
// - a pod writing 2 MiB into an emptyDir with sizeLimit 1Mi ends Failed/Evicted with upstream's
//   message and event, killed at once although its container ignores SIGTERM and its grace
//   period is 60 s; its emptyDir is gone; a pod within its sizeLimit keeps running;
// - a container writing past its ephemeral-storage limit into its writable layer;
// - a pod whose usage passes the sum of its containers' limits.
// Nothing of the runtime may be left behind. Needs root; skipped otherwise.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Container, Event, Pod } from 'kubernetes-types/core/v1.js';
import { Events, isNotFound, Pods, type KubeObject } from '../../src/core/index.js';
import { volumeManager } from '../../src/kubelet/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually } from '../e2e/helpers.js';
import { getPod, pod, type PodObject } from '../e2e/node-support.js';
import { agentCluster, type AgentCluster } from './agent-cluster.js';
import { skipReason, type Fixture } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

/** Writes `kib` KiB to `file`, then idles ignoring SIGTERM: only a SIGKILL ends it. */
const fillThenIdle = (file: string, kib: number) =>
  `trap "" TERM; dd if=/dev/zero of=${file} bs=1024 count=${kib} 2>/dev/null; echo written; while true; do sleep 0.1; done`;

describe('local storage eviction on the linux runtime', { skip }, () => {
  let cluster: AgentCluster | undefined;
  let c: TestCluster;
  let f: Fixture;
  before(async () => {
    cluster = await agentCluster('evi', 219, (tc, fx) => ({
      volumes: volumeManager({ client: tc.client, root: join(fx.dir, 'pods') }),
      evictionMonitoringPeriodMs: 300,
    }));
    ({ c, f } = cluster);
  });
  after(async () => {
    if (cluster) assert.deepEqual(await cluster.stop(), [], 'nothing of the runtime is left behind');
  });

  const app = (command: string, extra: Partial<Container> = {}): Container => ({ name: 'app', image: 'busybox:test', command: ['sh', '-c', command], ...extra });
  const withCache = (name: string, sizeLimit: string, kib: number): PodObject => pod(name, {
    terminationGracePeriodSeconds: 60,
    containers: [app(fillThenIdle('/cache/fill', kib), { volumeMounts: [{ name: 'cache', mountPath: '/cache' }] })],
    volumes: [{ name: 'cache', emptyDir: { sizeLimit } }],
  });
  const events = async (name: string) => (await c.client.list<Event & KubeObject>(Events, { namespace: 'default' })).items
    .filter((e) => e.involvedObject?.name === name);
  const evicted = (name: string) => eventually(async () => {
    const p = await getPod(c, name);
    return p.status?.phase === 'Failed' ? p : undefined;
  }, `${name} Failed`);
  const remove = async (name: string) => {
    await c.client.delete(Pods, { namespace: 'default', name }, { gracePeriodSeconds: 0 });
    await eventually(async () => {
      try { await getPod(c, name); return false; } catch (e) { return isNotFound(e); }
    }, `${name} deleted`);
  };
  const running = (name: string) => eventually(async () => {
    const p = await getPod(c, name);
    return p.status?.phase === 'Running' ? p : undefined;
  }, `${name} Running`);

  /** What an evicted pod must show: upstream's status, the Evicted event, its containers and sandbox stopped. */
  async function assertEvicted(p: PodObject, message: string): Promise<void> {
    const name = p.metadata!.name!;
    assert.equal(p.status?.reason, 'Evicted');
    assert.equal(p.status?.message, message);
    // Upstream passes no DisruptionTarget condition for local storage evictions (only node pressure has one).
    assert.equal(p.status?.conditions?.find((x) => x.type === 'DisruptionTarget'), undefined);
    assert.equal(p.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'False');
    const terminated = p.status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(terminated?.exitCode, 137, 'SIGTERM is ignored: the 1 s eviction grace period ends in SIGKILL, not 60 s later');
    const ev = await eventually(async () => (await events(name)).find((e) => e.reason === 'Evicted'), `${name} Evicted event`);
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, message);
    assert.equal(ev.involvedObject.kind, 'Pod');
    assert.equal(ev.involvedObject.fieldPath, undefined);
    assert.equal(ev.source?.component, 'kubelet');
    assert.ok((await events(name)).some((e) => e.reason === 'Killing' && e.message === 'Stopping container app'));
    const sandboxes = await f.runtime.listPodSandboxes({ podUid: p.metadata!.uid! });
    assert.ok(sandboxes.length > 0 && sandboxes.every((s) => s.state === 'notready'), 'its sandbox is stopped');
    assert.ok(!(await f.runtime.listContainers({ podUid: p.metadata!.uid! })).some((x) => x.state === 'running'));
  }

  it('an emptyDir past its sizeLimit evicts the pod; one within its limit keeps running', async () => {
    await c.client.create(Pods, withCache('calm', '10Mi', 1024));
    await c.client.create(Pods, withCache('filler', '1Mi', 2048));
    const calm = await running('calm');
    const p = await evicted('filler');
    await assertEvicted(p, 'Usage of EmptyDir volume "cache" exceeds the limit "1Mi". ');
    assert.equal(existsSync(join(f.dir, 'pods', p.metadata!.uid!)), false, 'the evicted pod\'s emptyDir is removed');

    // Several more checks go by: the pod within its limit is neither evicted nor restarted.
    await new Promise((r) => setTimeout(r, 1500));
    const after = await getPod(c, 'calm');
    assert.equal(after.status?.phase, 'Running');
    assert.equal(after.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal(after.status?.containerStatuses?.[0]?.containerID, calm.status?.containerStatuses?.[0]?.containerID);
    assert.equal((await events('calm')).some((e) => e.reason === 'Evicted'), false);
    assert.ok(existsSync(join(f.dir, 'pods', calm.metadata!.uid!, 'volumes', 'empty-dir', 'cache', 'fill')));
    await remove('filler');
    await remove('calm');
  });

  it('a container past its ephemeral-storage limit (its writable layer) is evicted', async () => {
    const limit = (l: string) => ({ limits: { 'ephemeral-storage': l } });
    await c.client.create(Pods, pod('layer', {
      terminationGracePeriodSeconds: 60,
      containers: [
        app(fillThenIdle('/tmp/fill', 2048), { resources: limit('1Mi') }),
        { ...app(fillThenIdle('/tmp/small', 1)), name: 'quiet', resources: limit('100Mi') },
      ],
    } as Partial<Pod['spec']>));
    const p = await evicted('layer');
    await assertEvicted(p, 'Container app exceeded its local ephemeral storage limit "1Mi". ');
    await remove('layer');
  });

  it('a pod past the sum of its containers\' limits is evicted', async () => {
    await c.client.create(Pods, pod('total', {
      terminationGracePeriodSeconds: 60,
      containers: [app(fillThenIdle('/cache/fill', 2048), {
        resources: { limits: { 'ephemeral-storage': '1Mi' } }, volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
      })],
      volumes: [{ name: 'cache', emptyDir: {} }],
    }));
    const p = await evicted('total');
    await assertEvicted(p, 'Pod ephemeral local storage usage exceeds the total limit of containers 1Mi. ');
    await remove('total');
  });
});
