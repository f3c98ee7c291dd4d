// Talking to a real pod on the linux runtime through the API server, each figure beside the
// same work without Berth in between, measured in the same run:
// - exec round trip of `true`: the real kubectl (`kubectl exec ... -- true`, a new kubectl
//   process each time, as a user runs it; its bare start-up, `kubectl version --client`, is
//   shown too), and the API client over WebSocket v5 (src/client execInPod); beside a bare
//   `runc exec` of `true` in the same container;
// - port-forward throughput: `kubectl port-forward` to busybox httpd in the pod serving a large
//   file, downloaded over the forwarded local port; beside a direct loopback copy (an HTTP server
//   on 127.0.0.1 in this process serving the same bytes).
// Needs root, runc, conmon, catatonit and busybox-static.
//   node --import tsx bench/streams.ts            (BENCH_RUNS exec runs, default 20; BENCH_MB file size, default 64)
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { localPodStreams } from '../src/cluster/index.js';
import { execInPod } from '../src/client/index.js';
import { Pods } from '../src/core/index.js';
import { kubectlEnv, kubectlPath, KUBECTL_VERSIONS, runProcess } from '../src/testing/index.js';
import { skipReason } from '../test/runtime/helpers.js';
import { container, median, msec, namespace, startLinuxBench, watchCount } from './pods.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const MB = Number(process.env.BENCH_MB ?? 64);
const version = KUBECTL_VERSIONS[KUBECTL_VERSIONS.length - 1]!;

/** Downloads url, returns MiB/s. */
function download(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http.get(url, (res) => {
      let n = 0;
      res.on('data', (d: Buffer) => { n += d.length; });
      res.on('end', () => {
        if (n !== MB << 20) reject(new Error(`got ${n} bytes, wanted ${MB << 20}`));
        else resolve(n / 2 ** 20 / ((performance.now() - t0) / 1000));
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function timeRuns(fn: () => unknown): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

async function main(): Promise<void> {
  const skip = await skipReason();
  if (skip) { console.log(`skipped: ${skip}`); return; }
  const b = await startLinuxBench('str', 241, (rt) => localPodStreams((n) => (n === 'bench-node' ? rt : undefined)));
  let forward: ReturnType<typeof spawn> | undefined;
  let leaks: string[] = [];
  try {
    const c = b.cluster;
    const ns = 'streams';
    const rv = await namespace(c, ns);
    const ready = watchCount(c, Pods, ns, rv, 1, (o) => (o.status as { conditions?: Array<{ type: string; status: string }> })?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false);
    await c.client.create(Pods, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: ns },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [{
          ...container(['sh', '-c', `mkdir -p /www && dd if=/dev/zero of=/www/big bs=1M count=${MB} 2>/dev/null && touch /www/ready && exec httpd -f -p 8080 -h /www`]),
          readinessProbe: { exec: { command: ['test', '-f', '/www/ready'] }, periodSeconds: 1 },
        }],
      },
    });
    await ready;
    const id = (await b.runtime.listContainers()).find((x) => x.name === 'app' && x.state === 'running')!.id;
    const env = kubectlEnv({ kubeconfig: c.kubeconfig, home: c.dir });
    const kubectl = kubectlPath(version);

    const bare = await timeRuns(() => execFileSync('runc', ['--root', `${b.runtimeRoot}/runc`, 'exec', id, 'true']));
    const conn = { server: c.server, ca: c.credentials.ca.certPem, token: c.credentials.adminToken };
    const api = await timeRuns(async () => {
      const r = await execInPod(conn, ns, 'web', ['true']);
      if (r.exitCode !== 0) throw new Error(`exec exited ${r.exitCode}`);
    });
    const start = await timeRuns(() => execFileSync(kubectl, ['version', '--client'], { env, stdio: 'ignore' }));
    // Asynchronously: the API server answering kubectl runs in this process.
    const viaKubectl = await timeRuns(async () => {
      const r = await runProcess(kubectl, ['exec', '-n', ns, 'web', '--', 'true'], { env });
      if (r.code !== 0) throw new Error(`kubectl exec exited ${r.code}: ${r.stderr}`);
    });
    console.log(`exec round trip of \`true\` (median of ${RUNS}): kubectl 1.${version} ${msec(viaKubectl)} (its own start-up ${msec(start)}),`
      + ` API client (WebSocket v5) ${msec(api)}; bare \`runc exec\` ${msec(bare)}`
      + ` (${(viaKubectl / bare).toFixed(1)}x and ${(api / bare).toFixed(1)}x)`);

    forward = spawn(kubectl, ['port-forward', '-n', ns, 'pod/web', ':8080'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      forward!.stdout!.on('data', (d) => { out += d; const m = /127\.0\.0\.1:(\d+) -> 8080/.exec(out); if (m) resolve(Number(m[1])); });
      forward!.on('exit', (code) => reject(new Error(`kubectl port-forward exited ${code}: ${out}`)));
    });
    const fwd: number[] = [];
    for (let i = 0; i < 3; i++) fwd.push(await download(`http://127.0.0.1:${port}/big`));
    const bytes = Buffer.alloc(MB << 20);
    const server = http.createServer((_req, res) => { res.writeHead(200, { 'content-length': String(bytes.length) }); res.end(bytes); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const direct: number[] = [];
    for (let i = 0; i < 3; i++) direct.push(await download(`http://127.0.0.1:${(server.address() as AddressInfo).port}/big`));
    await new Promise((r) => server.close(r));
    const f = median(fwd), d = median(direct);
    console.log(`port-forward throughput (${MB} MiB file, median of 3): kubectl port-forward ${f.toFixed(0)} MiB/s;`
      + ` direct loopback copy ${d.toFixed(0)} MiB/s (${(f / d * 100).toFixed(0)}% of it)`);
  } finally {
    if (forward?.pid && forward.exitCode === null) process.kill(forward.pid, 'SIGTERM');
    leaks = await b.stop();
  }
  if (leaks.length) console.log(`left behind: ${leaks.join('; ')}`);
}

await main();
