// Agent restarts over the linux runtime: a new LinuxRuntime on the same root re-adopts running
// containers without restarting them, reports the exit code of a container that ended while
// no runtime instance ran, sees a dead pause as notready, and pushes exits as events (inotify
// on conmon's exit files). Needs root; skipped otherwise.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { RuntimeEvent } from '../../src/kubelet/index.js';
import { containerConfig, fixture, sandboxConfig, skipReason, teardown, until, type Fixture } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

const startTime = async (pid: number) => (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')[19];

describe('linux runtime: restarts and events', { skip }, () => {
  let f: Fixture;
  before(async () => { f = await fixture('rst', 214); });
  after(async () => {
    assert.deepEqual(await teardown(f), [], 'nothing of the runtime is left behind');
  });

  it('re-adopts running containers without restarting them and reports exits that happened meanwhile', async () => {
    const first = f.fresh();
    await first.updateRuntimeConfig({ podCIDR: f.cidr });
    const cfg = sandboxConfig('adopt');
    const sb = await first.runPodSandbox(cfg);
    const long = await first.createContainer(sb, containerConfig('long', ['sleep', '1000']));
    const short = await first.createContainer(sb, containerConfig('short', ['sh', '-c', 'sleep 0.5; exit 5']));
    await first.startContainer(long);
    await first.startContainer(short);
    const pid = (await first.context()).containers.get(long)!.proc!.pid;
    const before = await startTime(pid);
    first.close(); // the agent goes away; the pods do not
    await new Promise((r) => setTimeout(r, 1000));

    const second = f.fresh();
    await second.updateRuntimeConfig({ podCIDR: f.cidr });
    assert.equal(await second.runPodSandbox(cfg), sb, 'the same sandbox, not a new one');
    const [st] = await second.listPodSandboxes({ podUid: cfg.podUid });
    assert.equal(st?.state, 'ready');
    const byName = Object.fromEntries((await second.listContainers({ sandboxId: sb })).map((c) => [c.name, c]));
    assert.equal(byName.long?.state, 'running');
    assert.equal((await second.context()).containers.get(long)!.proc!.pid, pid);
    assert.equal(await startTime(pid), before, 'the very same process still runs');
    assert.equal(byName.short?.state, 'exited');
    assert.equal(byName.short?.exitCode, 5);
    assert.equal(byName.short?.reason, 'Error');
    await second.startContainer(long); // idempotent: no second process
    assert.equal((await second.context()).containers.get(long)!.proc!.pid, pid);
    await second.removePodSandbox(sb);
    second.close();
  });

  it('pushes an event when a container exits on its own, and when the pause dies', async () => {
    const rt = f.fresh();
    await rt.updateRuntimeConfig({ podCIDR: f.cidr });
    const ac = new AbortController();
    const events: RuntimeEvent[] = [];
    const pump = (async () => { for await (const e of rt.watchEvents(ac.signal)) events.push(e); })();
    try {
      const cfg = sandboxConfig('events');
      const sb = await rt.runPodSandbox(cfg);
      const c = await rt.createContainer(sb, containerConfig('c', ['sh', '-c', 'sleep 0.2; exit 2']));
      await rt.startContainer(c);
      const t = Date.now();
      await until('an exit event', async () => (events.some((e) => e.podUid === cfg.podUid) ? true : undefined), 5000);
      const latency = Date.now() - t;
      assert.ok(latency < 1500, `the exit was pushed (${latency} ms), not found by polling`);
      assert.equal((await rt.listContainers({ sandboxId: sb }))[0]?.exitCode, 2);

      events.length = 0;
      const pause = (await rt.context()).sandboxes.get(sb)!.pause!.pid;
      process.kill(pause, 'SIGKILL');
      await until('a sandbox event', async () => (events.some((e) => e.podUid === cfg.podUid) ? true : undefined), 5000);
      assert.equal((await rt.listPodSandboxes({ podUid: cfg.podUid }))[0]?.state, 'notready');
      await rt.removePodSandbox(sb);
    } finally {
      ac.abort();
      await pump;
      rt.close();
    }
  });

  it('reports containers of a pod whose processes were all killed while no agent ran as exited', async () => {
    const first = f.fresh();
    await first.updateRuntimeConfig({ podCIDR: f.cidr });
    const cfg = sandboxConfig('killed');
    const sb = await first.runPodSandbox(cfg);
    const c = await first.createContainer(sb, containerConfig('c', ['sleep', '1000']));
    await first.startContainer(c);
    const ctx = await first.context();
    const rec = ctx.containers.get(c)!;
    first.close();
    process.kill(rec.proc!.pid, 'SIGKILL');
    process.kill(ctx.sandboxes.get(sb)!.pause!.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const second = f.fresh();
    const [st] = await second.listPodSandboxes({ podUid: cfg.podUid });
    assert.equal(st?.state, 'notready');
    const [cs] = await second.listContainers({ sandboxId: sb });
    assert.equal(cs?.state, 'exited');
    assert.equal(cs?.exitCode, 137);
    await second.removePodSandbox(sb);
    second.close();
  });
});
