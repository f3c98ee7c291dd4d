// Scheduling and running pods at scale on sim nodes: N pods created at once through the
// in-process client of a cluster started here (SQLite file store, the scheduler running, sim
// node agents), time until every pod is bound to a node and until every pod is Ready, with
// per-pod latencies, on 1 and on 3 nodes; beside a baseline measured in the same run: merely
// creating the same N pods on an identical cluster with neither scheduler nor nodes.
// Prints figures and the process RSS; asserts nothing.
//   node --import tsx bench/scheduler-sim.ts [pods]        (default 1,000)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { controllerManager, startCluster, type Component, type RunningCluster } from '../src/cluster/index.js';
import { silentLogger } from '../src/controller-runtime/index.js';
import { schedulerController } from '../src/controllers/scheduler/index.js';
import { Pods, type KubeObject } from '../src/core/index.js';
import { simNodes } from '../src/kubelet/index.js';

const PODS = Number(process.argv[2] ?? 1000);
const IN_FLIGHT = 64;
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-scheduler-'));

const pod = (i: number): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: `bench-${i}`, namespace: 'default', labels: { app: 'bench' } },
  spec: {
    containers: [{ name: 'app', image: 'nginx:1.9.1' }],
    affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{
      weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'bench' } }, topologyKey: 'kubernetes.io/hostname' },
    }] } },
  },
});

async function start(name: string, components: Component[]): Promise<RunningCluster> {
  return startCluster({ storeUrl: `sqlite://${join(dir, `${name}.db`)}`, port: 0, components });
}

async function createAll(c: RunningCluster): Promise<Float64Array> {
  const createdAt = new Float64Array(PODS);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < PODS; i = next++) {
      await c.client.create(Pods, pod(i));
      createdAt[i] = performance.now();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return createdAt;
}

const pct = (a: Float64Array, p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))]!;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function run(nodes: number): Promise<void> {
  const c = await start(`nodes-${nodes}`, [
    ...simNodes(nodes, { logger: silentLogger }),
    controllerManager({ controllers: [schedulerController], logger: silentLogger, leaderElection: false }),
  ]);
  const boundAt = new Float64Array(PODS), readyAt = new Float64Array(PODS);
  let bound = 0, ready = 0;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const abort = new AbortController();
  const list = await c.client.list(Pods, { namespace: 'default' });
  const watching = (async () => {
    const stream = c.client.watch<Pod & KubeObject>(Pods, { namespace: 'default', resourceVersion: list.metadata.resourceVersion ?? '0' }, abort.signal);
    for await (const ev of stream) {
      if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
      const i = Number((ev.object.metadata?.name ?? '').slice('bench-'.length));
      if (ev.object.spec?.nodeName && !boundAt[i]) { boundAt[i] = performance.now(); bound++; }
      const isReady = ev.object.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
      if (isReady && !readyAt[i]) { readyAt[i] = performance.now(); ready++; }
      if (bound === PODS && ready === PODS) { finish(); return; }
    }
  })().catch(() => {});
  const t0 = performance.now();
  const createdAt = await createAll(c);
  const created = performance.now() - t0;
  await done;
  const total = performance.now() - t0;
  abort.abort();
  await watching;
  const bindLat = boundAt.map((t, i) => t - createdAt[i]!), readyLat = readyAt.map((t, i) => t - createdAt[i]!);
  const rss = process.memoryUsage().rss / 2 ** 20;
  console.log(`${nodes} node(s): created in ${secs(created)}, all bound in ${secs(Math.max(...boundAt) - t0)}, all Ready in ${secs(total)}`
    + ` (${Math.round(PODS / (total / 1000))} pods/s); bind latency p50 ${pct(bindLat, 0.5).toFixed(0)} ms p99 ${pct(bindLat, 0.99).toFixed(0)} ms;`
    + ` Ready latency p50 ${pct(readyLat, 0.5).toFixed(0)} ms p99 ${pct(readyLat, 0.99).toFixed(0)} ms; process RSS ${rss.toFixed(0)} MB`);
  await c.stop();
}

try {
  const base = await start('baseline', []);
  const b0 = performance.now();
  await createAll(base);
  const baseline = performance.now() - b0;
  await base.stop();
  console.log(`baseline: ${PODS} pods created (no scheduler, no nodes) in ${secs(baseline)}`);
  await run(1);
  await run(3);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
