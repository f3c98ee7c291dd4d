// Pod lifecycles the agent owns whatever the runtime: init containers in order, containers
// that exit (sim convention: `sh -c "exit N"`), restart policies, crash-loop backoff, a
// readiness delay — as kubectl shows them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Event } from 'kubernetes-types/core/v1.js';
import { Events, Pods, type KubeObject } from '../../src/core/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually, ok, tableRows } from './helpers.js';
import { getPod, pod, podPhase, startNodeCluster } from './node-support.js';

const exits = (code: number, sleep = 0) => ({ image: 'busybox:1.36', command: ['sh', '-c', `${sleep ? `sleep ${sleep}; ` : ''}exit ${code}`] });

describe('node agent: pod lifecycles', () => {
  let c: TestCluster;
  let k: ReturnType<TestCluster['kubectl']>;
  const created: string[] = [];
  before(async () => {
    c = await startNodeCluster(1);
    k = c.kubectl('33');
  });
  after(async () => {
    for (const name of created) await c.client.delete(Pods, { namespace: 'default', name }).catch(() => {});
    await c?.stop();
  });
  const create = async (...args: Parameters<typeof pod>) => {
    created.push(args[0]);
    await c.client.create(Pods, pod(...args));
  };
  const statusColumn = async (name: string) => {
    const rows = tableRows(ok(await k(['get', 'pod', name])));
    return rows[1]![2];
  };

  it('runs init containers one by one to Completed before the app starts', async () => {
    await create('with-init', {
      initContainers: [{ name: 'first', ...exits(0) }, { name: 'second', ...exits(0, 0.2) }],
      containers: [{ name: 'app', image: 'nginx:1.9.1' }],
    });
    const p = await podPhase(c, 'with-init', 'Running');
    const inits = p.status!.initContainerStatuses!;
    assert.deepEqual(inits.map((s) => [s.name, s.state?.terminated?.reason, s.state?.terminated?.exitCode]), [['first', 'Completed', 0], ['second', 'Completed', 0]]);
    const firstDone = Date.parse(inits[0]!.state!.terminated!.finishedAt!);
    const secondStart = Date.parse(inits[1]!.state!.terminated!.startedAt!);
    assert.ok(secondStart >= firstDone, 'second started after first finished');
    assert.ok(Date.parse(p.status!.containerStatuses![0]!.state!.running!.startedAt!) >= Date.parse(inits[1]!.state!.terminated!.finishedAt!));
    assert.equal(p.status!.conditions!.find((x) => x.type === 'Initialized')?.status, 'True');
    assert.equal(await statusColumn('with-init'), 'Running');
  });

  it('restartPolicy Never: exit 0 ends Succeeded (Completed), exit 1 ends Failed (Error)', async () => {
    await create('job-ok', { restartPolicy: 'Never', containers: [{ name: 'main', ...exits(0) }] });
    await create('job-bad', { restartPolicy: 'Never', containers: [{ name: 'main', ...exits(1) }] });
    const good = await podPhase(c, 'job-ok', 'Succeeded');
    assert.equal(good.status!.containerStatuses![0]!.state?.terminated?.reason, 'Completed');
    assert.equal(good.status!.conditions!.find((x) => x.type === 'Ready')?.reason, 'PodCompleted');
    assert.equal(good.status!.conditions!.find((x) => x.type === 'PodReadyToStartContainers')?.status, 'False', 'its sandbox is gone');
    const bad = await podPhase(c, 'job-bad', 'Failed');
    assert.equal(bad.status!.containerStatuses![0]!.state?.terminated?.exitCode, 1);
    assert.equal(await statusColumn('job-ok'), 'Completed');
    assert.equal(await statusColumn('job-bad'), 'Error');
    const init = await (async () => {
      await create('init-fails', { restartPolicy: 'Never', initContainers: [{ name: 'check', ...exits(3) }] });
      return podPhase(c, 'init-fails', 'Failed');
    })();
    assert.equal(init.status!.initContainerStatuses![0]!.state?.terminated?.exitCode, 3);
    assert.equal(await statusColumn('init-fails'), 'Init:Error');
  });

  it('OnFailure restarts a failing container, then backs off (CrashLoopBackOff)', async () => {
    await create('flaky', { restartPolicy: 'OnFailure', containers: [{ name: 'main', ...exits(2) }] });
    const looping = await eventually(async () => {
      const p = await getPod(c, 'flaky');
      const cs = p.status?.containerStatuses?.[0];
      return cs?.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    }, 'CrashLoopBackOff');
    const cs = looping.status!.containerStatuses![0]!;
    assert.equal(cs.restartCount, 1, 'the first restart is immediate, the second waits');
    assert.match(cs.state!.waiting!.message!, /^back-off 10s restarting failed container=main pod=flaky_default\(/);
    assert.equal(cs.lastState?.terminated?.exitCode, 2);
    assert.equal(looping.status!.phase, 'Running');
    assert.equal(await statusColumn('flaky'), 'CrashLoopBackOff');
    const backOff = await eventually(async () => {
      const list = await c.client.list<Event & KubeObject>(Events, { namespace: 'default', fieldSelector: 'involvedObject.name=flaky,reason=BackOff' });
      return list.items[0];
    }, 'BackOff event');
    assert.equal(backOff.type, 'Warning');
    assert.match(backOff.message!, /^Back-off restarting failed container main in pod flaky_default\(/);

    await create('succeeds', { restartPolicy: 'OnFailure', containers: [{ name: 'main', ...exits(0) }] });
    await podPhase(c, 'succeeds', 'Succeeded');
  });

  it('Always restarts even successful exits and stays Running', async () => {
    await create('restarter', { containers: [{ name: 'main', ...exits(0) }] });
    const p = await eventually(async () => {
      const x = await getPod(c, 'restarter');
      return (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? x : undefined;
    }, 'a restart');
    assert.equal(p.status!.phase, 'Running');
  });

  it('a readiness probe delay keeps the pod Running but not Ready until it passed', async () => {
    await create('slow-ready', { containers: [{ name: 'app', image: 'nginx:1.9.1', readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 1 } }] });
    const early = await podPhase(c, 'slow-ready', 'Running');
    assert.equal(early.status!.containerStatuses![0]!.ready, false);
    assert.equal(early.status!.conditions!.find((x) => x.type === 'Ready')?.status, 'False');
    assert.match(ok(await k(['wait', '--for=condition=Ready', 'pod/slow-ready', '--timeout=20s'])), /condition met/);
  });
});
