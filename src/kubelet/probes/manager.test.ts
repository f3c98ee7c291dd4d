// The prober's workers and manager on a fake clock, a fake execSync and real sockets: initial
// results, thresholds, startup gating, initial delay, events, re-queues, liveness holds,
// container restarts, and that stopping leaves no worker and no timer behind.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { describe, it } from 'node:test';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../controller-runtime/index.js';
import { silentLogger } from '../../controller-runtime/index.js';
import type { KubeObject } from '../../core/index.js';
import type { EventRecorder } from '../events.js';
import type { ContainerStatus, ExecSyncResult } from '../runtime/index.js';
import { ProbeManager } from './manager.js';

/** A clock whose time moves only when told; counts pending timers. */
class FakeClock implements Clock {
  private t = 1_000_000;
  private timers = new Set<{ at: number; fn: () => void }>();
  now() { return this.t; }
  setTimer(fn: () => void, ms: number) {
    const timer = { at: this.t + Math.max(0, ms), fn };
    this.timers.add(timer);
    return () => { this.timers.delete(timer); };
  }
  get pending() { return this.timers.size; }
  /** Moves time forward, firing due timers in order, letting async work run in between. */
  async advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const next = [...this.timers].sort((a, b) => a.at - b.at)[0];
      if (!next || next.at > end) break;
      this.timers.delete(next);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
    await settle();
  }
}

const settle = async () => { for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r)); };

interface Recorded { reason: string; message: string; fieldPath?: string; type: string }
function recorder(): EventRecorder & { list: Recorded[] } {
  const list: Recorded[] = [];
  return { list, event: (_o, type, reason, message, fieldPath) => { list.push({ type, reason, message, fieldPath }); }, flush: async () => {} };
}

/** An execSync whose answer per command the test sets; counts calls. */
function fakeExec() {
  const answers = new Map<string, ExecSyncResult>();
  let calls = 0;
  return {
    set: (cmd: string, exitCode: number, out = '') => answers.set(cmd, { exitCode, stdout: out, stderr: '' }),
    get calls() { return calls; },
    execSync: async (_id: string, cmd: readonly string[]) => { calls++; return answers.get(cmd.join(' ')) ?? { exitCode: 1, stdout: '', stderr: 'no answer\n' }; },
  };
}

function pod(containers: Container[], extra: Partial<Pod['spec']> = {}): Pod & KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'uid-1' }, spec: { containers, ...extra } } as Pod & KubeObject;
}

function running(id: string, startedAt: number, name = 'app', attempt = 0): ContainerStatus {
  return {
    id, sandboxId: 's', podUid: 'uid-1', name, attempt, image: 'i', imageRef: 'r', state: 'running',
    createdAt: new Date(startedAt), startedAt: new Date(startedAt),
  };
}

function setup(execSync?: ReturnType<typeof fakeExec>['execSync']) {
  const clock = new FakeClock();
  const events = recorder();
  const requeued: string[] = [];
  const m = new ProbeManager({ runtime: { execSync }, events, clock, logger: silentLogger });
  m.subscribe((k) => requeued.push(k));
  return { clock, events, requeued, m };
}

describe('probe manager', () => {
  it('readiness: not ready until the first success, then not ready after failureThreshold failures, with Unhealthy events', async () => {
    const exec = fakeExec();
    const { clock, events, requeued, m } = setup(exec.execSync);
    const p = pod([{ name: 'app', image: 'i', readinessProbe: { exec: { command: ['cat', '/ready'] }, periodSeconds: 5, failureThreshold: 2 } }]);
    const cs = [running('c1', clock.now())];
    exec.set('cat /ready', 1, "cat: can't open '/ready': No such file or directory\n");
    m.update(p, cs, '10.0.0.5');
    assert.equal(m.view(p, cs).started('app'), true, 'no startup probe: started once running');
    assert.equal(m.view(p, cs).ready('app'), false, 'readiness starts as failure');
    await clock.advance(0);
    assert.equal(exec.calls, 1, 'the first run happens at once');
    assert.deepEqual(events.list[0], {
      type: 'Warning', reason: 'Unhealthy', message: "Readiness probe failed: cat: can't open '/ready': No such file or directory\n", fieldPath: 'spec.containers{app}',
    });
    assert.deepEqual(requeued, [], 'a failure that changes nothing re-queues nothing');

    exec.set('cat /ready', 0);
    await clock.advance(5000);
    assert.equal(exec.calls, 2);
    assert.equal(m.view(p, cs).ready('app'), true);
    assert.deepEqual(requeued, ['ns/p'], 'readiness turning true re-queues the pod');

    exec.set('cat /ready', 1, 'gone\n');
    await clock.advance(5000);
    assert.equal(m.view(p, cs).ready('app'), true, 'one failure is below failureThreshold 2');
    await clock.advance(5000);
    assert.equal(m.view(p, cs).ready('app'), false);
    assert.deepEqual(requeued, ['ns/p', 'ns/p']);
    assert.equal(events.list.filter((e) => e.message === 'Readiness probe failed: gone\n').length, 2, 'every failed run is an event');
    await m.stop();
    assert.equal(clock.pending, 0, 'no timer left behind');
  });

  it('waits initialDelaySeconds after the container started', async () => {
    const exec = fakeExec();
    const { clock, m } = setup(exec.execSync);
    exec.set('true', 0);
    const p = pod([{ name: 'app', image: 'i', readinessProbe: { exec: { command: ['true'] }, initialDelaySeconds: 7, periodSeconds: 10 } }]);
    const cs = [running('c1', clock.now())];
    m.update(p, cs, '10.0.0.5');
    await clock.advance(6999);
    assert.equal(exec.calls, 0);
    await clock.advance(1);
    assert.equal(exec.calls, 1, 'the first run comes when the delay ends, not a period later');
    assert.equal(m.view(p, cs).ready('app'), true);
    await m.stop();
    assert.equal(clock.pending, 0);
  });

  it('startup gates readiness and liveness; a startup failure at its threshold marks the container for a restart and holds', async () => {
    const exec = fakeExec();
    const { clock, events, requeued, m } = setup(exec.execSync);
    const p = pod([{
      name: 'app', image: 'i',
      startupProbe: { exec: { command: ['started'] }, periodSeconds: 1, failureThreshold: 3 },
      readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 },
      livenessProbe: { exec: { command: ['alive'] }, periodSeconds: 1 },
    }]);
    exec.set('ready', 0);
    exec.set('alive', 0);
    const cs = [running('c1', clock.now())];
    m.update(p, cs, '10.0.0.5');
    assert.equal(m.view(p, cs).started('app'), false, 'a startup probe that has not passed holds the container back');
    await clock.advance(2500);
    assert.equal(exec.calls, 3, 'only the startup probe ran');
    assert.deepEqual(m.unhealthy(p, cs).map((u) => [u.status.id, u.probe]), [['c1', 'startup']]);
    assert.deepEqual(requeued, ['ns/p']);
    assert.equal(events.list.filter((e) => e.message.startsWith('Startup probe failed: ')).length, 3);
    await clock.advance(5000);
    assert.equal(exec.calls, 3, 'on hold until a new container');

    // The sync restarted it: a new container id starts over.
    exec.set('started', 0);
    const cs2 = [running('c2', clock.now(), 'app', 1)];
    m.update(p, cs2, '10.0.0.5');
    await clock.advance(1000);
    assert.equal(m.view(p, cs2).started('app'), true);
    assert.deepEqual(m.unhealthy(p, cs2), []);
    m.view(p, cs2).ready('app'); // the status asks: readiness runs now
    await clock.advance(0);
    assert.equal(m.view(p, cs2).ready('app'), true);
    await clock.advance(3000);
    assert.ok(exec.calls > 5, 'liveness runs too once started');
    assert.deepEqual(m.unhealthy(p, cs2), []);
    await m.stop();
    assert.equal(clock.pending, 0);
  });

  it('liveness: success at first, failure after failureThreshold, then held; Unhealthy on each failure', async () => {
    const exec = fakeExec();
    const { clock, events, m } = setup(exec.execSync);
    const p = pod([{ name: 'app', image: 'i', livenessProbe: { exec: { command: ['alive'] }, periodSeconds: 10 } }]);
    const cs = [running('c1', clock.now())];
    exec.set('alive', 1, 'dead\n');
    m.update(p, cs, '10.0.0.5');
    assert.deepEqual(m.unhealthy(p, cs), [], 'liveness starts as success');
    await clock.advance(19_999);
    assert.deepEqual(m.unhealthy(p, cs), [], 'two failures are below the default threshold of 3');
    await clock.advance(1);
    assert.deepEqual(m.unhealthy(p, cs).map((u) => u.probe), ['liveness']);
    assert.equal(events.list.filter((e) => e.message === 'Liveness probe failed: dead\n').length, 3);
    await clock.advance(30_000);
    assert.equal(exec.calls, 3, 'held');
    await m.stop();
  });

  it('tcpSocket against a real socket; an errored probe (unknown port name) is reported and thrown away', async () => {
    const server: Server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const { clock, events, m } = setup(fakeExec().execSync);
      const p = pod([
        { name: 'app', image: 'i', readinessProbe: { tcpSocket: { port } } },
        { name: 'bad', image: 'i', readinessProbe: { tcpSocket: { port: 'nope' } } },
      ]);
      const cs = [running('c1', clock.now()), running('c2', clock.now(), 'bad')];
      m.update(p, cs, '127.0.0.1');
      await clock.advance(0);
      await new Promise((r) => setTimeout(r, 50)); // the socket round trip
      await clock.advance(0);
      assert.equal(m.view(p, cs).ready('app'), true);
      assert.equal(m.view(p, cs).ready('bad'), false);
      assert.deepEqual(events.list.map((e) => e.message),
        ['Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "nope": invalid syntax']);
      await m.stop();
      assert.equal(clock.pending, 0);
    } finally {
      server.close();
    }
  });

  it('removing a pod stops its workers and drops its results; retain keeps only the current uid', async () => {
    const exec = fakeExec();
    const { clock, m } = setup(exec.execSync);
    exec.set('ok', 0);
    const p = pod([{ name: 'app', image: 'i', readinessProbe: { exec: { command: ['ok'] }, periodSeconds: 1 } }]);
    const cs = [running('c1', clock.now())];
    m.update(p, cs, '10.0.0.5');
    await clock.advance(0);
    assert.equal(m.view(p, cs).ready('app'), true);
    m.retain('ns', 'p', 'uid-1');
    await clock.advance(1000);
    assert.equal(exec.calls, 2, 'the same uid keeps probing');
    m.retain('ns', 'p', 'uid-2');
    await clock.advance(5000);
    assert.equal(exec.calls, 2, 'a successor under the name stops the old workers');
    assert.equal(clock.pending, 0);
    assert.equal(m.view(p, cs).ready('app'), false, 'its results are gone');
    await m.stop();
  });

  it('containers without probes are started and ready once running; stopped ones are neither', () => {
    const { clock, m } = setup();
    const p = pod([{ name: 'app', image: 'i' }]);
    const cs = [running('c1', clock.now())];
    m.update(p, cs, '10.0.0.5');
    assert.equal(m.view(p, cs).ready('app'), true);
    const exited: ContainerStatus[] = [{ ...cs[0]!, state: 'exited', exitCode: 0 }];
    assert.equal(m.view(p, exited).started('app'), false);
    assert.equal(m.view(p, exited).ready('app'), false);
  });

  it('the agent signal stops everything', async () => {
    const exec = fakeExec();
    const clock = new FakeClock();
    const ac = new AbortController();
    const m = new ProbeManager({ runtime: { execSync: exec.execSync }, events: recorder(), clock, logger: silentLogger, signal: ac.signal });
    const p = pod([{ name: 'app', image: 'i', livenessProbe: { exec: { command: ['x'] } }, readinessProbe: { exec: { command: ['x'] } } }]);
    m.update(p, [running('c1', clock.now())], '10.0.0.5');
    await clock.advance(0);
    ac.abort();
    await m.stop();
    assert.equal(clock.pending, 0);
    m.update(p, [running('c1', clock.now())], '10.0.0.5');
    assert.equal(clock.pending, 0, 'a stopped manager starts no workers');
  });
});
