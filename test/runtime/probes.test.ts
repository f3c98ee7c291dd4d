// Real probes on real pods: the node agent on the linux runtime (runc) with busybox pods.
// - readiness exec on a missing file: Running but 0/1 with Unhealthy events; the file created
//   makes it Ready; removed, it is not Ready again;
// - httpGet readiness (named port) against the pod's own web server;
// - tcpSocket readiness on a closed port: never Ready, with the dial error;
// - an exec probe past its timeout fails as upstream's `command "..." timed out`;
// - a failing liveness probe restarts the container (Killing event, restartCount grows).
// Nothing of the runtime may be left behind. Needs root; skipped otherwise.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Container, Event } from 'kubernetes-types/core/v1.js';
import { Events, isNotFound, Pods, type KubeObject } from '../../src/core/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually } from '../e2e/helpers.js';
import { getPod, pod, type PodObject } from '../e2e/node-support.js';
import { agentCluster, type AgentCluster } from './agent-cluster.js';
import { skipReason, type Fixture } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

/** A container that runs until told to stop (busybox sh as PID 1 ignores SIGTERM without a trap). */
const SERVE = 'trap "exit 0" TERM; while true; do sleep 0.1; done';

describe('probes on the linux runtime', { skip }, () => {
  let cluster: AgentCluster | undefined;
  let c: TestCluster;
  let f: Fixture;
  before(async () => {
    cluster = await agentCluster('prb', 218);
    ({ c, f } = cluster);
  });
  after(async () => {
    if (cluster) assert.deepEqual(await cluster.stop(), [], 'nothing of the runtime is left behind');
  });

  const probed = (name: string, extra: Partial<Container>, grace = 1) => pod(name, {
    terminationGracePeriodSeconds: grace, containers: [{ name: 'app', image: 'busybox:test', command: ['sh', '-c', SERVE], ...extra }],
  });
  const ready = (p: PodObject) => p.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True';
  const events = async (name: string) => (await c.client.list<Event & KubeObject>(Events, { namespace: 'default' })).items
    .filter((e) => e.involvedObject?.name === name);
  const containerId = (p: PodObject) => p.status!.containerStatuses![0]!.containerID!.slice('runc://'.length);
  const exec = (p: PodObject, ...command: string[]) => f.runtime.execSync(containerId(p), command, 5000);
  const remove = async (name: string) => {
    await c.client.delete(Pods, { namespace: 'default', name }, { gracePeriodSeconds: 0 });
    await eventually(async () => {
      try { await getPod(c, name); return false; } catch (e) { return isNotFound(e); }
    }, `${name} deleted`);
  };

  it('readiness exec: not ready while the file is missing, ready once it exists, not ready once it is gone', async () => {
    await c.client.create(Pods, probed('ready-file', { readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 2 } }));
    const first = await eventually(async () => {
      const p = await getPod(c, 'ready-file');
      return p.status?.phase === 'Running' && (await events('ready-file')).some((e) => e.reason === 'Unhealthy') ? p : undefined;
    }, 'Running with an Unhealthy event');
    const unhealthy = (await events('ready-file')).find((e) => e.reason === 'Unhealthy')!;
    assert.equal(unhealthy.type, 'Warning');
    assert.equal(unhealthy.message, "Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory\n");
    assert.equal(unhealthy.involvedObject.fieldPath, 'spec.containers{app}');
    const now = await getPod(c, 'ready-file');
    assert.equal(ready(now), false);
    assert.equal(now.status!.containerStatuses![0]!.ready, false);
    assert.equal(now.status!.containerStatuses![0]!.started, true);

    const touched = await exec(first, 'touch', '/tmp/ready');
    assert.equal(touched.exitCode, 0, touched.stderr);
    const t = Date.now();
    await eventually(async () => ready(await getPod(c, 'ready-file')), 'Ready once the file exists');
    console.log(`# file created → Ready ${Date.now() - t} ms`);
    const p = await getPod(c, 'ready-file');
    assert.equal(p.status!.containerStatuses![0]!.ready, true);
    assert.equal(p.status!.conditions!.find((x) => x.type === 'ContainersReady')?.status, 'True');

    assert.equal((await exec(first, 'busybox', 'rm', '/tmp/ready')).exitCode, 0);
    const t2 = Date.now();
    await eventually(async () => !ready(await getPod(c, 'ready-file')), 'not Ready once the file is gone', 10_000);
    console.log(`# file removed → not Ready ${Date.now() - t2} ms (periodSeconds 1 × failureThreshold 2)`);
    assert.equal((await getPod(c, 'ready-file')).status!.containerStatuses![0]!.restartCount, 0, 'readiness never restarts');
    await remove('ready-file');
  });

  it('httpGet readiness against the pod\'s web server on a named port', async () => {
    await c.client.create(Pods, probed('ready-http', {
      ports: [{ name: 'http', containerPort: 8080 }],
      command: ['sh', '-c', 'mkdir -p /tmp/www && echo ok > /tmp/www/healthz && exec httpd -f -p 8080 -h /tmp/www'],
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
    }));
    const p = await eventually(async () => { const p = await getPod(c, 'ready-http'); return ready(p) ? p : undefined; }, 'ready-http Ready');
    assert.ok(p.status?.podIP?.startsWith(f.cidr.replace(/0\/24$/, '')));
    await remove('ready-http');
  });

  it('tcpSocket readiness on a closed port never becomes ready and says why', async () => {
    await c.client.create(Pods, probed('ready-tcp', { readinessProbe: { tcpSocket: { port: 9999 }, periodSeconds: 1 } }));
    const p = await eventually(async () => { const p = await getPod(c, 'ready-tcp'); return p.status?.podIP && p.status.phase === 'Running' ? p : undefined; }, 'Running');
    const ev = await eventually(async () => (await events('ready-tcp')).find((e) => e.reason === 'Unhealthy'), 'an Unhealthy event');
    assert.equal(ev.message, `Readiness probe failed: dial tcp ${p.status!.podIP}:9999: connect: connection refused`);
    assert.equal(ready(await getPod(c, 'ready-tcp')), false);
    await remove('ready-tcp');
  });

  it('an exec probe past timeoutSeconds fails as timed out, and its command does not linger', async () => {
    await c.client.create(Pods, probed('slow-probe', { readinessProbe: { exec: { command: ['sleep', '30'] }, timeoutSeconds: 1, periodSeconds: 2 } }));
    const ev = await eventually(async () => (await events('slow-probe')).find((e) => e.reason === 'Unhealthy'), 'an Unhealthy event');
    assert.equal(ev.message, 'Readiness probe failed: command "sleep 30" timed out');
    const p = await getPod(c, 'slow-probe');
    assert.equal(ready(p), false);
    // Each run is killed at its 1 s deadline: no `sleep 30` seen now may still be there 1.5 s later.
    const sleepers = async () => (await exec(p, 'ps', '-o', 'pid,args')).stdout.split('\n')
      .filter((l) => /\bsleep 30\b/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
    const seen = await sleepers();
    await new Promise((r) => setTimeout(r, 1500));
    const still = await sleepers();
    assert.deepEqual(seen.filter((pid) => still.includes(pid)), [], 'timed-out commands are killed');
    const missing = await exec(p, 'no-such-program');
    assert.equal(missing.exitCode, 255);
    assert.match(missing.stderr, /^OCI runtime exec failed: .*"no-such-program": executable file not found in \$PATH\n$/);
    await remove('slow-probe');
  });

  it('a failing liveness probe restarts the container with a Killing event', async () => {
    // The probe's own grace period (1 s) wins over the pod's.
    await c.client.create(Pods, probed('live', {
      livenessProbe: { exec: { command: ['cat', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 2, terminationGracePeriodSeconds: 1 },
    }, 30));
    const p = await eventually(async () => {
      const p = await getPod(c, 'live');
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
    }, 'a restart', 20_000);
    const cs = p.status!.containerStatuses![0]!;
    assert.ok(cs.lastState?.terminated, 'the killed attempt is the last state');
    const evs = await eventually(async () => {
      const list = await events('live');
      return list.some((e) => e.reason === 'Killing') ? list : undefined;
    }, 'a Killing event');
    const killing = evs.find((e) => e.reason === 'Killing')!;
    assert.equal(killing.message, 'Container app failed liveness probe, will be restarted');
    assert.equal(killing.type, 'Normal');
    assert.ok(evs.some((e) => e.reason === 'Unhealthy' && e.message === "Liveness probe failed: cat: can't open '/tmp/alive': No such file or directory\n"));
    await remove('live');
  });
});
