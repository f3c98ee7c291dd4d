// PV/PVC binding at scale: N static PVs and N claims created at once through the in-process
// client of a cluster started here (SQLite file store, every `berth up` controller running), time
// until every claim is Bound, and per-claim bind latency (claim created → watch shows it
// Bound), beside a baseline measured in the same run: merely creating the same 2N objects on
// an identical cluster running no controllers. Prints figures; asserts nothing.
//   node --import tsx bench/binding.ts [pairs]        (default 10,000; upstream #133352: p50 453 s)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { controllerManager, startCluster, type RunningCluster } from '../src/cluster/index.js';
import { silentLogger } from '../src/controller-runtime/index.js';
import { PersistentVolumeClaims, PersistentVolumes, type KubeObject } from '../src/core/index.js';

const PAIRS = Number(process.argv[2] ?? 10_000);
/** BENCH_STORE=memory for an in-memory SQLite store instead of a file. */
const MEMORY = process.env.BENCH_STORE === 'memory';
const IN_FLIGHT = 64;
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-binding-'));

// PVs of 1..10 Gi, so every bind is a real smallest-fit choice; claims ask for 1Gi, so any PV
// fits any claim and every claim binds whatever order the binder sees them in. (With sized
// claims, a small claim may take a big PV that is Available before a small one is — upstream
// does the same — and the last big claims would rightly wait forever.)
const pv = (i: number): KubeObject => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `bench-pv-${i}` },
  spec: { capacity: { storage: `${(i % 10) + 1}Gi` }, accessModes: ['ReadWriteOnce'], storageClassName: '', hostPath: { path: `/mnt/bench/${i}` } },
});
const pvc = (i: number): KubeObject => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `bench-claim-${i}`, namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: '' },
});
/** Gives up (and says so) rather than wait forever. */
const LIMIT_MS = Number(process.env.BENCH_LIMIT_MS ?? 600_000);

/** A cluster as `berth up` runs it (every default controller), or with no controllers at all. */
async function start(name: string, controllers: boolean): Promise<RunningCluster> {
  return startCluster({
    storeUrl: MEMORY ? 'sqlite://:memory:' : `sqlite://${join(dir, `${name}.db`)}`, port: 0,
    components: controllers ? [controllerManager({ localPathRoot: join(dir, 'volumes'), logger: silentLogger, leaderElection: false })] : [],
  });
}

/** Creates every PV, then every claim, IN_FLIGHT at a time; returns each claim's creation time. */
async function createAll(c: RunningCluster): Promise<Float64Array> {
  const createdAt = new Float64Array(PAIRS);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= 2 * PAIRS) return;
      if (i < PAIRS) await c.client.create(PersistentVolumes, pv(i));
      else { await c.client.create(PersistentVolumeClaims, pvc(i - PAIRS)); createdAt[i - PAIRS] = performance.now(); }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return createdAt;
}

const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

try {
  // Baseline: the same creations on a cluster running no controllers.
  const base = await start('baseline', false);
  const b0 = performance.now();
  await createAll(base);
  const baseline = performance.now() - b0;
  await base.stop();

  const cluster = await start('binding', true);
  const boundAt = new Float64Array(PAIRS);
  let bound = 0;
  let allBound!: () => void;
  const done = new Promise<void>((r) => (allBound = r));
  const abort = new AbortController();
  const list = await cluster.client.list(PersistentVolumeClaims, { namespace: 'default' });
  const watching = (async () => {
    for await (const ev of cluster.client.watch<KubeObject>(PersistentVolumeClaims, { namespace: 'default', resourceVersion: list.metadata.resourceVersion! }, abort.signal)) {
      if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
      const o = ev.object;
      const i = Number(o.metadata?.name?.slice('bench-claim-'.length));
      if ((o.status as { phase?: string } | undefined)?.phase === 'Bound' && boundAt[i] === 0) {
        boundAt[i] = performance.now();
        if (++bound === PAIRS) allBound();
      }
    }
  })().catch(() => {});

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const createdAt = await createAll(cluster);
  const created = performance.now() - t0;
  let limited = false;
  await Promise.race([done, new Promise<void>((r) => setTimeout(() => { limited = true; r(); }, LIMIT_MS).unref())]);
  const total = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  abort.abort();
  await watching;

  const latency = new Float64Array(PAIRS);
  for (let i = 0; i < PAIRS; i++) latency[i] = boundAt[i] ? boundAt[i]! - createdAt[i]! : Number.POSITIVE_INFINITY;
  latency.sort();
  const pvs = await cluster.client.list(PersistentVolumes);
  const boundPvs = pvs.items.filter((x) => (x.status as { phase?: string }).phase === 'Bound').length;
  await cluster.stop();

  console.log(`pairs                     ${PAIRS} PVs + ${PAIRS} claims, ${IN_FLIGHT} creates in flight, SQLite ${MEMORY ? 'in-memory' : 'file'} store`);
  console.log(`baseline (create only)    ${secs(baseline)}   ${(2 * PAIRS / (baseline / 1000)).toFixed(0)} objects/s, no controllers`);
  console.log(`creates with binder on    ${secs(created)}`);
  if (limited) console.log(`GAVE UP after ${secs(LIMIT_MS)}: ${bound}/${PAIRS} claims Bound`);
  else console.log(`all ${PAIRS} claims Bound   ${secs(total)} after the first create (target < 10 s); ${(total / baseline).toFixed(2)}x the baseline`);
  console.log(`bind latency              p50 ${secs(pct(latency, 0.5))}   p99 ${secs(pct(latency, 0.99))}   max ${secs(latency[PAIRS - 1]!)}`);
  console.log(`PVs Bound                 ${boundPvs}/${PAIRS}`);
  console.log(`process CPU while binding ${secs((cpu.user + cpu.system) / 1000)} (one thread: API server, store, informers and controllers share it)`);
  console.log(`process RSS when all Bound ${rssMb.toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
