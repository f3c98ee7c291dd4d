// StatefulSets at scale, end to end on a sim node: a Parallel StatefulSet of N replicas with
// one claim each (default class local-path, WaitForFirstConsumer) on a cluster started here as
// `berth up --runtime sim` runs it (SQLite file store, every default controller, one sim node
// agent); time until every pod exists, every claim is Bound and every pod is Ready, and the
// set's status says so; then an OrderedReady set of M replicas until Ready. Beside baselines
// measured in the same run: creating the same N claims and N pods directly, 64 requests in
// flight, on an identical cluster with no controllers and no node; and the same direct
// creations on a fresh full cluster, until every claim is Bound and every pod Ready (what
// the rest of the system costs without a StatefulSet). Prints figures and the process RSS
// (control plane and sim node together); asserts nothing. Each of the three clusters runs in
// a process of its own, so the StatefulSet's RSS is not that of clusters stopped before it;
// the RSS the process had before its cluster started (Node, tsx and the loaded modules) is
// printed beside it.
//   node --import tsx bench/statefulset.ts [N] [M]        (default 1,000 and 100)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { controllerManager, startCluster, type Component, type RunningCluster } from '../src/cluster/index.js';
import { silentLogger } from '../src/controller-runtime/index.js';
import {
  Namespaces, PersistentVolumeClaims, Pods, StatefulSets, type KubeObject, type ResourceType,
} from '../src/core/index.js';
import { simNodes } from '../src/kubelet/index.js';

const N = Number(process.argv[2] ?? 1000);
const M = Number(process.argv[3] ?? 100);
const IN_FLIGHT = 64;
const LIMIT_MS = Number(process.env.BENCH_LIMIT_MS ?? 300_000);
/** The parent makes the directory; its phases (child processes) work in it. */
const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'berth-bench-statefulset-'));
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rss = () => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`;

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.9.1', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } };
const claimSpec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
const sts = (name: string, replicas: number, policy: string): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: name },
  spec: {
    replicas, serviceName: name, podManagementPolicy: policy, selector: { matchLabels: { app: 'web' } }, template,
    volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: claimSpec }],
  },
});

async function start(name: string, components: Component[]): Promise<RunningCluster> {
  return startCluster({ storeUrl: `sqlite://${join(dir, `${name}.db`)}`, port: 0, components });
}

async function namespace(c: RunningCluster, name: string): Promise<void> {
  await c.client.create(Namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** Calls fn(i) for i < n with IN_FLIGHT calls at a time. */
async function inFlight(n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => { for (let i = next++; i < n; i = next++) await fn(i); }));
}

/** Watches one kind in a namespace until `done` says so; returns when it did, or throws at the limit. */
function watchUntil(c: RunningCluster, type: ResourceType, ns: string, rv: string, seen: (o: KubeObject) => boolean): Promise<number> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), LIMIT_MS);
  return (async () => {
    try {
      for await (const ev of c.client.watch<KubeObject>(type, { namespace: ns, resourceVersion: rv }, abort.signal)) {
        if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && seen(ev.object)) return performance.now();
      }
      throw new Error(`gave up on ${type.plural} after ${secs(LIMIT_MS)}`);
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  })();
}

const isReady = (o: KubeObject) => (o.status as { conditions?: { type: string; status: string }[] } | undefined)
  ?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

/** Creates N claims and N pods like the set's, directly, IN_FLIGHT at a time. */
async function createDirectly(c: RunningCluster, ns: string): Promise<void> {
  await inFlight(N, (i) => c.client.create(PersistentVolumeClaims, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `www-web-${i}`, namespace: ns, labels: { app: 'web' } }, spec: claimSpec }));
  await inFlight(N, (i) => c.client.create(Pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${i}`, namespace: ns, labels: { app: 'web' } },
    spec: { ...template.spec, volumes: [{ name: 'www', persistentVolumeClaim: { claimName: `www-web-${i}` } }] },
  }));
}

/** Watches pods and claims of a namespace from now; resolves when `replicas` of each are created, Bound, Ready. */
function progress(c: RunningCluster, name: string, rv: string, replicas: number) {
  const created = new Set<string>(), ready = new Set<string>(), bound = new Set<string>();
  return {
    podsCreated: watchUntil(c, Pods, name, rv, (o) => { created.add(o.metadata!.name!); return created.size === replicas; }),
    podsReady: watchUntil(c, Pods, name, rv, (o) => { if (isReady(o)) ready.add(o.metadata!.name!); return ready.size === replicas; }),
    claimsBound: watchUntil(c, PersistentVolumeClaims, name, rv, (o) => {
      if ((o.status as { phase?: string } | undefined)?.phase === 'Bound') bound.add(o.metadata!.name!);
      return bound.size === replicas;
    }),
  };
}

const fullCluster = (name: string) => start(name, [
  ...simNodes(1, { logger: silentLogger }),
  controllerManager({ localPathRoot: join(dir, `volumes-${name}`), logger: silentLogger, leaderElection: false }),
]);

/** Times one StatefulSet from creation: pods created, claims Bound, pods Ready, status. */
async function timeSet(c: RunningCluster, name: string, replicas: number, policy: string): Promise<Record<string, number>> {
  await namespace(c, name);
  const rv = (await c.client.list(Pods, { namespace: name })).metadata.resourceVersion ?? '0';
  const { podsCreated, podsReady, claimsBound } = progress(c, name, rv, replicas);
  const statusReady = watchUntil(c, StatefulSets, name, rv, (o) => (o.status as { readyReplicas?: number } | undefined)?.readyReplicas === replicas);
  const t0 = performance.now();
  await c.client.create(StatefulSets, sts(name, replicas, policy));
  const [p, b, r, s] = await Promise.all([podsCreated, claimsBound, podsReady, statusReady]);
  return { created: p - t0, bound: b - t0, ready: r - t0, status: s - t0 };
}

/** Runs one phase in a child process; returns the numbers it reported. */
function phase(name: string, env: Record<string, string> = {}): Record<string, number> {
  const r = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, String(N), String(M)], {
    env: { ...process.env, ...env, BENCH_PHASE: name, BENCH_DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8',
  });
  let result: Record<string, number> | undefined;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as Record<string, number>;
    else if (line) console.log(line);
  }
  if (r.status !== 0 || !result) throw new Error(`phase ${name} failed (exit ${r.status})`);
  return result;
}

const report = (result: Record<string, number>) => console.log(`RESULT ${JSON.stringify(result)}`);
const startRss = rss();

try {
  switch (process.env.BENCH_PHASE) {
    case 'baseline': {
      const base = await start('baseline', []);
      await namespace(base, 'bench');
      const b0 = performance.now();
      await createDirectly(base, 'bench');
      const baseline = performance.now() - b0;
      await base.stop();
      console.log(`baseline: ${N} claims + ${N} pods created directly (no controllers, no node) in ${secs(baseline)}`);
      report({ baseline });
      break;
    }
    case 'direct': {
      const direct = await fullCluster('direct');
      await namespace(direct, 'direct');
      const drv = (await direct.client.list(Pods, { namespace: 'direct' })).metadata.resourceVersion ?? '0';
      const dp = progress(direct, 'direct', drv, N);
      const d0 = performance.now();
      await createDirectly(direct, 'direct');
      const [dBound, dReady] = await Promise.all([dp.claimsBound, dp.podsReady]);
      await dp.podsCreated;
      await direct.stop();
      console.log(`without a StatefulSet: the same claims and pods created directly on a full cluster: all claims Bound in ${secs(dBound - d0)},`
        + ` all pods Ready in ${secs(dReady - d0)}`);
      report({ ready: dReady - d0 });
      break;
    }
    case 'sim': {
      const baseline = Number(process.env.BENCH_BASELINE_MS);
      const directReady = Number(process.env.BENCH_DIRECT_READY_MS);
      const c = await fullCluster('sim');
      const cpu0 = process.cpuUsage();
      const par = await timeSet(c, 'parallel', N, 'Parallel');
      const parCpu = process.cpuUsage(cpu0);
      console.log(`Parallel, ${N} replicas with a claim each: all pods created in ${secs(par.created)} (${(par.created / baseline).toFixed(2)}x baseline),`
        + ` all claims Bound in ${secs(par.bound)}, all pods Ready in ${secs(par.ready)} (${(par.ready / directReady).toFixed(2)}x without a StatefulSet),`
        + ` status ${N}/${N} in ${secs(par.status)}; process RSS ${rss()}, ${startRss} before the cluster started (target: Ready < 15 s, RSS <= 300 MB);`
        + ` process CPU ${secs((parCpu.user + parCpu.system) / 1000)}`);
      const ord = await timeSet(c, 'ordered', M, 'OrderedReady');
      console.log(`OrderedReady, ${M} replicas with a claim each: all Ready in ${secs(ord.ready)} (${(ord.ready / M).toFixed(0)} ms per pod),`
        + ` status ${M}/${M} in ${secs(ord.status)}; process RSS ${rss()}`);
      await c.stop();
      report({});
      break;
    }
    default: {
      const { baseline } = phase('baseline');
      const { ready } = phase('direct');
      phase('sim', { BENCH_BASELINE_MS: String(baseline), BENCH_DIRECT_READY_MS: String(ready) });
    }
  }
} finally {
  if (!process.env.BENCH_PHASE) rmSync(dir, { recursive: true, force: true });
}
