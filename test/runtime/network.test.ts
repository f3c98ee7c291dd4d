// The pod network of the linux runtime: containers of one pod share localhost; pods reach each
// other by IP over the bridge; IPs are persisted, released on stop and not handed out twice.
// Traffic goes only to addresses inside namespaces the test created. Needs root; else skipped.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { containerLog } from '../../src/kubelet/runtime/linux/index.js';
import { containerConfig, fixture, leaksUnder, sandboxConfig, skipReason, teardown, until, type Fixture } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

describe('linux runtime: pod network', { skip }, () => {
  let f: Fixture;
  before(async () => { f = await fixture('net', 212); });
  after(async () => {
    assert.deepEqual(await teardown(f), [], 'nothing of the runtime is left behind');
  });

  const server = (port: number) => containerConfig('server', ['sh', '-c', `mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p ${port} -h /www`]);
  const fetchOnce = (name: string, url: string) => containerConfig(name, ['sh', '-c', `for i in $(seq 1 50); do wget -q -O - ${url} && exit 0; sleep 0.1; done; exit 1`]);
  const exited = (id: string) => until(`container ${id} to exit`, async () => {
    const c = (await f.runtime.listContainers()).find((x) => x.id === id);
    return c?.state === 'exited' ? c : undefined;
  });

  it('lets two containers of one pod talk over localhost', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('pod-local'));
    const s = await f.runtime.createContainer(sb, server(8080));
    await f.runtime.startContainer(s);
    const c = await f.runtime.createContainer(sb, fetchOnce('client', 'http://127.0.0.1:8080/'));
    await f.runtime.startContainer(c);
    assert.equal((await exited(c)).exitCode, 0);
    assert.equal(await containerLog(f.runtime, c), 'hello from pod-local\n');
  });

  it('lets two pods reach each other by pod IP over the bridge', async () => {
    const a = await f.runtime.runPodSandbox(sandboxConfig('pod-a'));
    const b = await f.runtime.runPodSandbox(sandboxConfig('pod-b'));
    const [sa] = await f.runtime.listPodSandboxes({ podName: 'pod-a' });
    const [sbst] = await f.runtime.listPodSandboxes({ podName: 'pod-b' });
    assert.notEqual(sa!.ips[0], sbst!.ips[0]);
    const s = await f.runtime.createContainer(a, server(8081));
    await f.runtime.startContainer(s);
    const c = await f.runtime.createContainer(b, fetchOnce('client', `http://${sa!.ips[0]}:8081/`));
    await f.runtime.startContainer(c);
    assert.equal((await exited(c)).exitCode, 0);
    assert.equal(await containerLog(f.runtime, c), 'hello from pod-a\n');
    const route = await f.runtime.createContainer(b, containerConfig('route', ['ip', 'route']));
    await f.runtime.startContainer(route);
    await exited(route);
    assert.match(await containerLog(f.runtime, route), new RegExp(`^default via ${f.cidr.replace(/0\/24$/, '1').replace(/\./g, '\\.')} dev eth0`, 'm'));
  });

  it('keeps a pod port private to the pod when it listens on localhost', async () => {
    const a = await f.runtime.runPodSandbox(sandboxConfig('private-a'));
    const b = await f.runtime.runPodSandbox(sandboxConfig('private-b'));
    const [sa] = await f.runtime.listPodSandboxes({ podName: 'private-a' });
    const s = await f.runtime.createContainer(a, containerConfig('server', ['sh', '-c', 'mkdir /w; echo x > /w/i; exec httpd -f -p 127.0.0.1:8082 -h /w']));
    await f.runtime.startContainer(s);
    const c = await f.runtime.createContainer(b, containerConfig('client', ['sh', '-c', `sleep 0.3; timeout 2 wget -q -O - http://${sa!.ips[0]}:8082/i`]));
    await f.runtime.startContainer(c);
    assert.notEqual((await exited(c)).exitCode, 0);
  });

  it('persists IPs on disk, releases them on stop, and reuses them afterwards', async () => {
    const cfg = sandboxConfig('ipam');
    const sb = await f.runtime.runPodSandbox(cfg);
    const [st] = await f.runtime.listPodSandboxes({ podUid: cfg.podUid });
    const ip = st!.ips[0]!;
    assert.ok((await readdir(join(f.root, 'ipam'))).includes(ip));
    const again = f.fresh(); // a restarted agent sees the same allocation
    await again.updateRuntimeConfig({ podCIDR: f.cidr });
    assert.deepEqual((await again.listPodSandboxes({ podUid: cfg.podUid }))[0]?.ips, [ip]);
    const other = await again.runPodSandbox(sandboxConfig('ipam-2'));
    assert.notEqual((await again.listPodSandboxes({ podName: 'ipam-2' }))[0]?.ips[0], ip);
    await again.removePodSandbox(other);
    again.close();
    await f.runtime.stopPodSandbox(sb);
    assert.ok(!(await readdir(join(f.root, 'ipam'))).includes(ip));
    await f.runtime.removePodSandbox(sb);
  });

  it('undoes a sandbox that fails half-way (no bridge): no pause, IP, link, cgroup or directory is left', async () => {
    const { execFileSync } = await import('node:child_process');
    const lonely = f.fresh();
    const before = (await leaksUnder(f.root, f.bridge, `berth-test-${f.tag}-${process.pid}`)).sort();
    execFileSync('ip', ['link', 'del', f.bridge]);
    try {
      await lonely.updateRuntimeConfig({ podCIDR: f.cidr }); // creates the bridge again...
      execFileSync('ip', ['link', 'del', f.bridge]); // ...which vanishes before the pod is wired
      await assert.rejects(lonely.runPodSandbox(sandboxConfig('half-way')), /pod veth|master|Cannot find device/i);
      assert.deepEqual(await lonely.listPodSandboxes({ podName: 'half-way' }), []);
      assert.deepEqual((await leaksUnder(f.root, f.bridge, `berth-test-${f.tag}-${process.pid}`)).sort(), before, 'the same processes, links, IPs, cgroups and records as before');
    } finally {
      await f.runtime.updateRuntimeConfig({ podCIDR: f.cidr });
      lonely.close();
    }
  });

  it('runs host-network pods in the node network namespace without an IP', async () => {
    const sb = await f.runtime.runPodSandbox(sandboxConfig('hostnet', { hostNetwork: true }));
    const [st] = await f.runtime.listPodSandboxes({ podName: 'hostnet' });
    assert.deepEqual(st?.ips, []);
    const c = await f.runtime.createContainer(sb, containerConfig('c', ['sh', '-c', `ip -o link show ${f.bridge} >/dev/null && echo sees-bridge`]));
    await f.runtime.startContainer(c);
    await exited(c);
    assert.equal(await containerLog(f.runtime, c), 'sees-bridge\n');
  });
});
