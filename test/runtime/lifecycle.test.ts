// The linux runtime with real processes: a pod sandbox and its containers (hostname, /etc
// files, volumes, env, workingDir, user, image ENTRYPOINT/CMD, exit codes and reasons, CRI
// logs, graceful and forced stops). Needs root, runc, conmon and catatonit; skipped otherwise.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { containerLog, containerLogPath } from '../../src/kubelet/runtime/linux/index.js';
import { containerConfig, fixture, sandboxConfig, skipReason, teardown, until, type Fixture } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

describe('linux runtime: sandbox and container lifecycle', { skip }, () => {
  let f: Fixture;
  before(async () => { f = await fixture('life', 211); });
  after(async () => {
    const leaks = await teardown(f);
    assert.deepEqual(leaks, [], 'nothing of the runtime is left behind');
  });

  const exited = (id: string) => until(`container ${id} to exit`, async () => {
    const c = (await f.runtime.listContainers()).find((x) => x.id === id);
    return c?.state === 'exited' ? c : undefined;
  });
  const runToEnd = async (sb: string, name: string, command: string[], extra = {}) => {
    const id = await f.runtime.createContainer(sb, containerConfig(name, command, extra));
    await f.runtime.startContainer(id);
    return { id, status: await exited(id), log: async () => containerLog(f.runtime, id) };
  };

  it('runs a container whose hostname is the pod name, with the pod /etc files', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('web-0', { subdomain: 'nginx', hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo'] }] }));
    const [sandbox] = await f.runtime.listPodSandboxes({ podName: 'web-0' });
    assert.equal(sandbox?.state, 'ready');
    const ip = sandbox!.ips[0]!;
    assert.ok(ip.startsWith(f.cidr.replace(/0\/24$/, '')), `${ip} is in ${f.cidr}`);
    const r = await runToEnd(sb, 'main', ['sh', '-c', 'hostname; cat /etc/hostname; grep web-0 /etc/hosts; grep foo /etc/hosts']);
    assert.equal(r.status.exitCode, 0);
    assert.equal(r.status.reason, 'Completed');
    assert.equal(await r.log(), `web-0\nweb-0\n${ip}\tweb-0.nginx.default.svc.cluster.local\tweb-0\n10.1.2.3\tfoo\n`);
  });

  it('writes resolv.conf from the DNS options', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('dns', {
      dns: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local'], options: ['ndots:5'] },
    }));
    const r = await runToEnd(sb, 'c', ['cat', '/etc/resolv.conf']);
    assert.equal(await r.log(), 'search default.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
  });

  it('bind-mounts volumes: a file written in the container is on the host; readOnly is enforced', async () => {
    const vol = join(f.dir, 'vol');
    const ro = join(f.dir, 'ro');
    await mkdir(vol);
    await mkdir(ro);
    await writeFile(join(ro, 'seed'), 'seed\n');
    const sb = await f.runtime.runPodSandbox(sandboxConfig('volumes'));
    const r = await runToEnd(sb, 'writer', ['sh', '-c', 'echo "hello $(hostname)" > /data/index.html; cat /ro/seed; echo x > /ro/y || exit 7'], {
      mounts: [{ containerPath: '/data', hostPath: vol, readOnly: false }, { containerPath: '/ro', hostPath: ro, readOnly: true }],
    });
    assert.equal(await readFile(join(vol, 'index.html'), 'utf8'), 'hello volumes\n');
    assert.equal(r.status.exitCode, 7, 'writing to a read-only mount fails');
    assert.match(await r.log(), /^seed\n.*Read-only file system/s);
  });

  it('sees a mount made on the host after the sandbox started', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('late-mount'));
    const dir = join(f.dir, 'late');
    await mkdir(dir);
    const { execFileSync } = await import('node:child_process');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'late', dir]);
    try {
      await writeFile(join(dir, 'on-tmpfs'), 'yes\n');
      const r = await runToEnd(sb, 'c', ['cat', '/late/on-tmpfs'], { mounts: [{ containerPath: '/late', hostPath: dir, readOnly: false }] });
      assert.equal(await r.log(), 'yes\n');
      await f.runtime.removeContainer(r.id);
    } finally {
      execFileSync('umount', [dir]);
    }
  });

  it('reports exit codes, Error and the image ENTRYPOINT/CMD rules', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('codes'));
    const three = await runToEnd(sb, 'three', ['sh', '-c', 'exit 3']);
    assert.equal(three.status.exitCode, 3);
    assert.equal(three.status.reason, 'Error');
    assert.ok(three.status.startedAt && three.status.finishedAt && three.status.finishedAt >= three.status.startedAt);
    // The image's CMD is `sh` and it has no ENTRYPOINT, so args alone make the process `-c ...`,
    // which cannot be executed: a start failure, reported as upstream does.
    const bad = await f.runtime.createContainer(sb, containerConfig('args', [], { args: ['-c', 'echo from args'] }));
    await assert.rejects(f.runtime.startContainer(bad), (e: Error & { reason?: string }) =>
      e.reason === 'RunContainerError' && /executable file not found/.test(e.message));
    const badStatus = (await f.runtime.listContainers({ sandboxId: sb })).find((c) => c.id === bad)!;
    assert.deepEqual([badStatus.state, badStatus.exitCode, badStatus.reason], ['exited', 128, 'StartError']);
    const imageCmd = await runToEnd(sb, 'cmd', [], { args: [] });
    assert.equal(imageCmd.status.exitCode, 0, 'CMD sh with no stdin ends at once');
  });

  it('passes env (image env first, container env wins), workingDir and the user', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('env'));
    const r = await runToEnd(sb, 'c', ['sh', '-c', 'echo "$FROM_IMAGE $MINE $HOSTNAME $HOME"; pwd; cat hello.txt; id'], {
      env: [{ name: 'MINE', value: 'mine' }, { name: 'FROM_IMAGE', value: 'overridden' }], workingDir: '/work',
      securityContext: { runAsUser: 1000 },
    });
    assert.equal(await r.log(), 'overridden mine env /home/app\n/work\nfrom the image\nuid=1000(app) gid=1000(app) groups=1000(app),2000(extra)\n');
  });

  it('writes CRI-format logs per attempt, stdout and stderr, partial lines joined', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('logs'));
    const r = await runToEnd(sb, 'c', ['sh', '-c', 'echo out; echo err >&2; sleep 0.1; printf "no newline"']);
    const path = await containerLogPath(f.runtime, r.id);
    assert.match(path!, /logs\/default_logs_uid-logs-[^/]+\/c\/0\.log$/);
    const raw = await readFile(path!, 'utf8');
    for (const line of raw.trim().split('\n')) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d) (stdout|stderr) [PF] /);
    assert.match(raw, / stdout F out\n/);
    assert.match(raw, / stderr F err\n/);
    assert.match(raw, / stdout P no newline\n/);
    const shown = await containerLog(f.runtime, r.id, { timestamps: true });
    assert.match(shown, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z out\n/m);
    assert.equal(await containerLog(f.runtime, r.id, { tailLines: 1 }), 'no newline');
  });

  it('stops with the grace period: a process that handles SIGTERM exits by itself, one that ignores it is killed', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('stop'));
    const polite = await f.runtime.createContainer(sb, containerConfig('polite', ['sh', '-c', 'trap "echo bye; exit 0" TERM; while true; do sleep 0.1; done']));
    const stubborn = await f.runtime.createContainer(sb, containerConfig('stubborn', ['sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done']));
    await f.runtime.startContainer(polite);
    await f.runtime.startContainer(stubborn);
    await new Promise((r) => setTimeout(r, 300));
    let t = Date.now();
    await f.runtime.stopContainer(polite, 10);
    assert.ok(Date.now() - t < 3000, 'the polite one did not need the whole grace period');
    const p = (await f.runtime.listContainers({ sandboxId: sb })).find((c) => c.id === polite)!;
    assert.equal(p.exitCode, 0);
    assert.equal(await containerLog(f.runtime, polite), 'bye\n');
    t = Date.now();
    await f.runtime.stopContainer(stubborn, 1);
    assert.ok(Date.now() - t >= 1000, 'the grace period was honoured');
    const s = (await f.runtime.listContainers({ sandboxId: sb })).find((c) => c.id === stubborn)!;
    assert.equal(s.exitCode, 137);
    await f.runtime.stopContainer(stubborn, 1); // idempotent
  });

  it('gives each container its own PID namespace, or the pod one with shareProcessNamespace', async () => {
    const own = await f.runtime.runPodSandbox(sandboxConfig('pid-own'));
    const a = await runToEnd(own, 'ps', ['sh', '-c', 'echo $$; ps -o pid,args | grep -c "[c]atatonit -P"']);
    assert.equal(await a.log(), '1\n0\n', 'PID 1 of its own namespace; the pause is not visible');
    const shared = await f.runtime.runPodSandbox(sandboxConfig('pid-shared', { shareProcessNamespace: true }));
    const b = await runToEnd(shared, 'ps', ['sh', '-c', 'ps -o pid,args | grep "[c]atatonit -P"']);
    assert.match(await b.log(), /^\s*1 \/catatonit -P$/m, 'the pause is PID 1 of the pod');
  });

  it('is idempotent and cleans a whole pod: stop then remove, twice', async () => {
    const cfg = sandboxConfig('idem');
    const sb = await f.runtime.runPodSandbox(cfg);
    assert.equal(await f.runtime.runPodSandbox(cfg), sb);
    const c = await f.runtime.createContainer(sb, containerConfig('c', ['sleep', '100']));
    assert.equal(await f.runtime.createContainer(sb, containerConfig('c', ['sleep', '100'])), c);
    await f.runtime.startContainer(c);
    await f.runtime.startContainer(c);
    await f.runtime.stopPodSandbox(sb);
    await f.runtime.stopPodSandbox(sb);
    const [st] = await f.runtime.listPodSandboxes({ podUid: cfg.podUid });
    assert.equal(st?.state, 'notready');
    assert.deepEqual(st?.ips, []);
    assert.equal((await f.runtime.listContainers({ sandboxId: sb }))[0]?.state, 'exited');
    await f.runtime.removePodSandbox(sb);
    await f.runtime.removePodSandbox(sb);
    assert.deepEqual(await f.runtime.listPodSandboxes({ podUid: cfg.podUid }), []);
  });

  it('fails container creation cleanly for an unknown image or user', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('bad'));
    await assert.rejects(f.runtime.createContainer(sb, containerConfig('c', ['true'], { image: 'nope:1', imageRef: 'nope:1' })),
      (e: Error & { reason?: string }) => e.reason === 'CreateContainerError');
    assert.deepEqual(await f.runtime.listContainers({ sandboxId: sb }), []);
  });
});
