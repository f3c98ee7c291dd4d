// The service proxy on a real kernel: a bridge of its own with two network-namespace "pods"
// (busybox httpd answering with the pod's name), Services and hand-made EndpointSlices in a
// real API server, and the proxy's nftables table in between. Requests go only to loopback,
// to the test bridge's address and to service addresses that the test's table DNATs into the
// test's namespaces; unallocated service addresses are routed onto the test bridge and dropped.
// Needs root, nft, ip, curl and busybox; else skipped. Everything is removed in `after`.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { EndpointSlices, Services, type KubeObject } from '../../src/core/index.js';
import { silentLogger } from '../../src/controller-runtime/index.js';
import { serviceProxy } from '../../src/proxy/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'proxy tests need root (network namespaces, a bridge, nftables)';
  for (const [bin, pkg] of [['nft', 'nftables'], ['ip', 'iproute2'], ['curl', 'curl']]) {
    try { execFileSync(bin!, ['-V'], { stdio: 'ignore' }); } catch { return `proxy tests need ${bin} (apt-get install -y --no-install-recommends ${pkg})`; }
  }
  if (!existsSync('/bin/busybox')) return 'proxy tests need busybox-static';
  return undefined;
}
const skip = skipReason();
if (skip) console.log(`# SKIP ${skip}`);

// Unique per process, so two runs (two developers, CI) never share a name or a subnet.
const tag = process.pid % 10000;
const bridge = `btp${tag}`;
const table = `berth_test_${process.pid}`;
const podNet = `10.${200 + (process.pid % 50)}.217`;
const gateway = `${podNet}.1`;
// The test API server allocates from 10.96.0.0/12; the proxy owns a /28 of it chosen by pid.
const svcNet = `10.${96 + (process.pid % 16)}.${Math.floor(process.pid / 16) % 256}`;
const serviceCIDR = `${svcNet}.0/28`;
const webIP = `${svcNet}.10`;
const emptyIP = `${svcNet}.11`;
const unallocatedIP = `${svcNet}.12`;
const stickyIP = `${svcNet}.13`;
const pods = [{ name: 'pod-a', ip: `${podNet}.2` }, { name: 'pod-b', ip: `${podNet}.3` }];
const netns = (pod: string) => `btp${process.pid}-${pod}`;
const veth = (pod: string) => `btp${tag}${pod.slice(-1)}`;

/** Polls until `fn` yields a value (helpers.ts has one too, but importing it loads the whole linux runtime). */
async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) {
    const v = await fn();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const tryIp = (...args: string[]) => { try { ip(...args); } catch { /* already gone */ } };

/** curl once, from the host or from inside a pod's namespace: body, or curl's exit code (7 = refused, 28 = timed out). */
function curl(url: string, from?: string, maxSeconds = 5): Promise<{ code: number; body: string }> {
  const args = ['-s', '-m', String(maxSeconds), url];
  const [cmd, argv] = from ? ['ip', ['netns', 'exec', netns(from), 'curl', ...args]] : ['curl', args];
  return new Promise((resolve) => {
    execFile(cmd, argv as string[], (error, stdout) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, body: stdout.trim() });
    });
  });
}

/** Who answered `n` fresh connections (each curl is a new connection, so a new balancing decision). */
async function answers(url: string, n: number, from?: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await curl(url, from);
    out.push(r.code === 0 ? r.body : `curl exit ${r.code}`);
  }
  return out;
}
const count = (xs: string[]) => Object.fromEntries([...new Set(xs)].sort().map((x) => [x, xs.filter((y) => y === x).length]));

describe('service proxy on nftables', { skip }, () => {
  let cluster: TestCluster;
  let dir: string;
  const servers: ChildProcess[] = [];
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  const applied: string[] = [];
  let nodePort = 0;

  /** The rules of service `web` in a ruleset (the renderer writes each service port under a `# id` line). */
  const web = (text: string) => /\n# default\/web\/tcp\/http\n([^]*?)(\n\n|$)/.exec(text)?.[1] ?? '';
  /** Resolves with the first ruleset applied from sync number `since` on that satisfies `ok`. */
  const ruleset = (what: string, ok: (text: string) => boolean, since = 0) =>
    until(what, async () => applied.slice(since).find(ok), 15_000);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-proxy-'));
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${gateway}/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (const pod of pods) {
      ip('netns', 'add', netns(pod.name));
      ip('link', 'add', veth(pod.name), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns(pod.name));
      ip('link', 'set', veth(pod.name), 'master', bridge);
      // What the node agent must do for every pod: with br_netfilter on, a pod reaching its own
      // service is DNATed inside the bridge and leaves by the port it came in on.
      ip('link', 'set', veth(pod.name), 'type', 'bridge_slave', 'hairpin', 'on');
      ip('link', 'set', veth(pod.name), 'up');
      ip('-n', netns(pod.name), 'link', 'set', 'lo', 'up');
      ip('-n', netns(pod.name), 'addr', 'add', `${pod.ip}/24`, 'dev', 'eth0');
      ip('-n', netns(pod.name), 'link', 'set', 'eth0', 'up');
      ip('-n', netns(pod.name), 'route', 'add', 'default', 'via', gateway);
      const www = join(dir, pod.name);
      mkdirSync(www);
      writeFileSync(join(www, 'index.html'), `${pod.name}\n`);
      // `ip netns exec` execs busybox in place, so this PID is the server's own.
      servers.push(spawn('ip', ['netns', 'exec', netns(pod.name), '/bin/busybox', 'httpd', '-f', '-p', '80', '-h', www], { stdio: 'ignore' }));
    }
    for (const pod of pods) await until(`${pod.name} serving`, async () => ((await curl(`http://${pod.ip}/`, undefined, 1)).body === pod.name ? true : undefined));

    cluster = await startTestCluster();
    const web = await cluster.client.create<Service & KubeObject>(Services, {
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', clusterIP: webIP, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }] },
    });
    nodePort = web.spec!.ports![0]!.nodePort!;
    await cluster.client.create<Service & KubeObject>(Services, {
      metadata: { name: 'empty', namespace: 'default' },
      spec: { clusterIP: emptyIP, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    });
    await cluster.client.create<EndpointSlice & KubeObject>(EndpointSlices, webSlice(true));
    await cluster.client.create<Service & KubeObject>(Services, {
      metadata: { name: 'sticky', namespace: 'default' },
      spec: { clusterIP: stickyIP, sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    });
    await cluster.client.create<EndpointSlice & KubeObject>(EndpointSlices, {
      ...webSlice(true), metadata: { name: 'sticky-manual', namespace: 'default', labels: { 'kubernetes.io/service-name': 'sticky' } },
    });

    const proxy = serviceProxy({
      table, serviceCIDR, podCIDR: `${podNet}.0/24`, bridge, nodeName: 'node-1', nodeAddresses: ['127.0.0.1', gateway],
      logger: silentLogger, debounceMs: 20, onSync: (text) => applied.push(text),
    });
    running = proxy.run(cluster.client, abort.signal);
  });

  function webSlice(bReady: boolean): EndpointSlice & KubeObject {
    return {
      metadata: { name: 'web-manual', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'berth-proxy-test' } },
      addressType: 'IPv4',
      endpoints: pods.map((p) => ({ addresses: [p.ip], conditions: { ready: p.name === 'pod-a' || bReady }, nodeName: 'node-1' })),
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    };
  }

  after(async () => {
    abort.abort();
    await running?.catch(() => undefined);
    const leftTable = (() => { try { execFileSync('nft', ['list', 'table', 'ip', table], { stdio: 'ignore' }); return true; } catch { return false; } })();
    const leftRoute = ip('route', 'show', serviceCIDR).trim();
    await cluster?.stop();
    for (const s of servers) if (s.pid && s.exitCode === null) s.kill('SIGKILL');
    await Promise.all(servers.map((s) => (s.exitCode === null && s.signalCode === null ? new Promise((r) => s.once('exit', r)) : undefined)));
    for (const pod of pods) { tryIp('link', 'del', veth(pod.name)); tryIp('netns', 'del', netns(pod.name)); }
    tryIp('link', 'del', bridge);
    if (leftTable) try { execFileSync('nft', ['delete', 'table', 'ip', table]); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
    // Checked after cleaning up, so a failure here leaves nothing behind either.
    assert.equal(leftTable, false, 'the proxy removes its table when it stops');
    assert.equal(leftRoute, '', 'the proxy removes its service route when it stops');
    const links = ip('-o', 'link', 'show');
    assert.ok(!links.includes(`${bridge}:`) && !pods.some((p) => links.includes(`${veth(p.name)}@`)), 'no test link is left');
    assert.ok(!pods.some((p) => ip('netns', 'list').includes(netns(p.name))), 'no test namespace is left');
  });

  it('spreads a pod\'s connections to the ClusterIP over both ready endpoints', async () => {
    await ruleset('both endpoints programmed', (t) => web(t).includes(`dnat to ${pods[0]!.ip}:80`) && web(t).includes(`dnat to ${pods[1]!.ip}:80`));
    const got = await answers(`http://${webIP}/`, 24, 'pod-b');
    assert.deepEqual(Object.keys(count(got)), ['pod-a', 'pod-b'], `answers: ${JSON.stringify(count(got))}`);
  });

  it('lets a pod reach itself through its own service (hairpin)', async () => {
    const got = await answers(`http://${webIP}/`, 24, 'pod-a');
    assert.deepEqual(Object.keys(count(got)), ['pod-a', 'pod-b'], `answers: ${JSON.stringify(count(got))}`);
  });

  it('serves the ClusterIP to the host itself, over a route onto the pod bridge', async () => {
    assert.match(ip('route', 'get', unallocatedIP), new RegExp(`dev ${bridge} `), 'service addresses never follow the default route');
    const got = await answers(`http://${webIP}/`, 24);
    assert.deepEqual(Object.keys(count(got)), ['pod-a', 'pod-b'], `answers: ${JSON.stringify(count(got))}`);
  });

  it('serves the NodePort on 127.0.0.1 and on the node address, from the host and from pods', async () => {
    const got = [
      ...await answers(`http://127.0.0.1:${nodePort}/`, 12),
      ...await answers(`http://${gateway}:${nodePort}/`, 12),
      ...await answers(`http://${gateway}:${nodePort}/`, 12, 'pod-a'),
    ];
    assert.deepEqual(Object.keys(count(got)), ['pod-a', 'pod-b'], `answers: ${JSON.stringify(count(got))}`);
  });

  it('keeps each client on one endpoint with sessionAffinity ClientIP', async () => {
    for (const from of ['pod-a', 'pod-b', undefined]) {
      const got = await answers(`http://${stickyIP}/`, 12, from);
      assert.equal(Object.keys(count(got)).length, 1, `${from ?? 'host'}: ${JSON.stringify(count(got))}`);
      assert.ok(pods.some((p) => p.name === got[0]), got[0]);
    }
  });

  it('refuses connections to a service without endpoints, and to ports a ClusterIP does not serve', async () => {
    assert.equal((await curl(`http://${emptyIP}/`)).code, 7, 'connection refused (curl exit 7), not a timeout');
    assert.equal((await curl(`http://${emptyIP}/`, 'pod-a')).code, 7);
    assert.equal((await curl(`http://${webIP}:81/`)).code, 7);
  });

  it('drops connections to an address of the service CIDR that no service holds', async () => {
    assert.equal((await curl(`http://${unallocatedIP}/`, undefined, 1)).code, 28, 'dropped: the connection times out');
  });

  it('stops sending new connections to an endpoint once it is not ready, and resumes when it is ready again', async () => {
    let since = applied.length;
    const current = await cluster.client.get<EndpointSlice & KubeObject>(EndpointSlices, { namespace: 'default', name: 'web-manual' });
    await cluster.client.update(EndpointSlices, { ...webSlice(false), metadata: { ...webSlice(false).metadata, resourceVersion: current.metadata!.resourceVersion } });
    await ruleset('pod-b left out', (t) => web(t).includes(`dnat to ${pods[0]!.ip}:80`) && !web(t).includes(`dnat to ${pods[1]!.ip}:80`), since);
    const got = [...await answers(`http://${webIP}/`, 16, 'pod-a'), ...await answers(`http://${webIP}/`, 16)];
    assert.deepEqual(count(got), { 'pod-a': 32 });

    since = applied.length;
    await cluster.client.delete(EndpointSlices, { namespace: 'default', name: 'web-manual' });
    await ruleset('web without endpoints', (t) => t.includes(`${webIP} . tcp . 80 : goto reject-chain`), since);
    assert.equal((await curl(`http://${webIP}/`, 'pod-b')).code, 7, 'no endpoints left: refused');
    assert.equal((await curl(`http://127.0.0.1:${nodePort}/`)).code, 7, 'the NodePort too');

    since = applied.length;
    await cluster.client.create<EndpointSlice & KubeObject>(EndpointSlices, webSlice(true));
    await ruleset('both endpoints back', (t) => web(t).includes(`dnat to ${pods[1]!.ip}:80`), since);
    const again = await answers(`http://${webIP}/`, 24, 'pod-b');
    assert.deepEqual(Object.keys(count(again)), ['pod-a', 'pod-b']);
  });
});
