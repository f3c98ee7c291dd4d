// Resource limits and securityContext in the linux runtime: a memory limit the process exceeds
// ends it as OOMKilled (the pause and other containers survive), CPU and memory limits land in
// the container's cgroups, runAsUser/Group, readOnlyRootFilesystem, capabilities add/drop and
// privileged. Needs root; skipped otherwise.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { containerLog } from '../../src/kubelet/runtime/linux/index.js';
import { containerConfig, fixture, sandboxConfig, skipReason, teardown, until, type Fixture } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

describe('linux runtime: limits and security', { skip }, () => {
  let f: Fixture;
  before(async () => { f = await fixture('lim', 213); });
  after(async () => {
    assert.deepEqual(await teardown(f), [], 'nothing of the runtime is left behind');
  });

  const exited = (id: string) => until(`container ${id} to exit`, async () => {
    const c = (await f.runtime.listContainers()).find((x) => x.id === id);
    return c?.state === 'exited' ? c : undefined;
  }, 20_000);
  const runToEnd = async (sb: string, name: string, command: string[], extra = {}) => {
    const id = await f.runtime.createContainer(sb, containerConfig(name, command, extra));
    await f.runtime.startContainer(id);
    return { id, status: await exited(id), log: () => containerLog(f.runtime, id) };
  };

  it('kills a container that exceeds its memory limit as OOMKilled; the pod survives', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('oom'));
    const r = await runToEnd(sb, 'hog', ['sh', '-c', 'tail /dev/zero'], { resources: { memoryLimitBytes: 32 * 1024 * 1024 } });
    assert.equal(r.status.exitCode, 137);
    assert.equal(r.status.reason, 'OOMKilled');
    assert.equal((await f.runtime.listPodSandboxes({ podName: 'oom' }))[0]?.state, 'ready');
    const ok = await runToEnd(sb, 'after', ['true']);
    assert.equal(ok.status.exitCode, 0);
  });

  it('writes memory and CPU limits into the container cgroups', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('cg'));
    const id = await f.runtime.createContainer(sb, containerConfig('c', ['sleep', '30'], {
      resources: { memoryLimitBytes: 64 * 1024 * 1024, cpuShares: 512, cpuQuota: 20_000, cpuPeriod: 100_000 },
    }));
    await f.runtime.startContainer(id);
    const ctx = await f.runtime.context();
    const dirs = ctx.containers.get(id)!.cgroupDirs;
    const read = async (file: string) => {
      for (const d of dirs) {
        const v = await readFile(`${d}/${file}`, 'utf8').catch(() => undefined);
        if (v !== undefined) return v.trim();
      }
      return undefined;
    };
    if (ctx.cgroupMode === 'v2') {
      assert.equal(await read('memory.max'), String(64 * 1024 * 1024));
      assert.equal(await read('cpu.max'), '20000 100000');
    } else {
      assert.equal(await read('memory.limit_in_bytes'), String(64 * 1024 * 1024));
      assert.equal(await read('cpu.shares'), '512');
      assert.equal(await read('cpu.cfs_quota_us'), '20000');
    }
    await f.runtime.stopContainer(id, 0);
  });

  it('honours runAsUser/runAsGroup, readOnlyRootFilesystem and capabilities', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('sec'));
    const user = await runToEnd(sb, 'user', ['id'], { securityContext: { runAsUser: 4242, runAsGroup: 4343, supplementalGroups: [77] } });
    assert.equal(await user.log(), 'uid=4242 gid=4343 groups=77,4343\n');
    const ro = await runToEnd(sb, 'ro', ['sh', '-c', 'touch /x && echo wrote; touch /tmp/y && echo wrote-tmp; echo ok > /data/z && echo wrote-vol'], {
      securityContext: { readOnlyRootFilesystem: true },
      mounts: [{ containerPath: '/data', hostPath: f.dir, readOnly: false }],
    });
    assert.doesNotMatch(await ro.log(), /^wrote$/m);
    assert.match(await ro.log(), /^wrote-vol$/m);
    const caps = async (name: string, sec: object) => {
      const r = await runToEnd(sb, name, ['sh', '-c', 'grep CapEff /proc/self/status'], { securityContext: sec });
      return BigInt(`0x${(await r.log()).split(/\s+/)[1]}`);
    };
    const NET_ADMIN = 1n << 12n;
    const CHOWN = 1n << 0n;
    const base = await caps('caps-default', {});
    assert.equal(base & NET_ADMIN, 0n);
    assert.notEqual(base & CHOWN, 0n);
    const added = await caps('caps-add', { capabilities: { add: ['NET_ADMIN'], drop: ['CHOWN'] } });
    assert.notEqual(added & NET_ADMIN, 0n);
    assert.equal(added & CHOWN, 0n);
    assert.equal(await caps('caps-none', { capabilities: { drop: ['ALL'] } }), 0n);
    const all = await caps('privileged', { privileged: true });
    assert.ok(all > base, 'privileged gets every capability');
    const netAdmin = await runToEnd(sb, 'netadmin', ['ip', 'link', 'add', 'dummy0', 'type', 'dummy'], { securityContext: { capabilities: { drop: ['ALL'] } } });
    assert.notEqual(netAdmin.status.exitCode, 0, 'without NET_ADMIN the pod network cannot be changed');
  });
});
