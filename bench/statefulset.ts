// StatefulSets at scale, end to end, on the real thing: the bundled `berth up --runtime sim`
// (dist/berth.mjs through bin/berth; rebuilt first when missing or older than src/) in a
// temporary data directory, driven over HTTPS with the kubeconfig it writes, as kubectl would.
// A headless Service and a Parallel StatefulSet of N replicas with one claim each (the seed's
// set: default class local-path, WaitForFirstConsumer); time until every pod exists, every
// claim is Bound and every pod is Ready (as the set's status counts them), and the berth process's
// VmRSS and VmHWM (/proc/<pid>/status) at that point, beside the idle RSS of the same binary
// in the same run (node Ready, nothing else created: the baseline). Then an OrderedReady set
// of M replicas until Ready. Prints figures; asserts nothing.
//   node --import tsx bench/statefulset.ts [N] [M]        (default 1,000 and 100)
// BENCH_NO_SERVICE=1 leaves the Service out (no Endpoints or EndpointSlices for the set's pods).
// BENCH_HEAPSNAPSHOT=1 writes a heap snapshot of berth (SIGUSR2) once the Parallel set is Ready,
// into the working directory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { createClient, createHttpTransport, type ApiClient } from '../src/client/index.js';
import {
  Namespaces, Nodes, PersistentVolumeClaims, Services, StatefulSets, type KubeObject, type ResourceType,
} from '../src/core/index.js';
import { berthStop, berthUp } from '../test/e2e/berth-process.js';

const N = Number(process.argv[2] ?? 1000);
const M = Number(process.argv[3] ?? 100);
const POLL_MS = 50;
/** Without the Service: what the set costs without the Endpoints and EndpointSlice controllers' share. */
const NO_SERVICE = process.env.BENCH_NO_SERVICE === '1';
const LIMIT_MS = Number(process.env.BENCH_LIMIT_MS ?? 300_000);
const root = join(import.meta.dirname, '..');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Newest modification time of a file under dir (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return t;
}

/** `npm run build` unless dist/berth.mjs is newer than every source file. */
function ensureBuilt(): void {
  const bundle = join(root, 'dist', 'berth.mjs');
  let built = 0;
  try { built = statSync(bundle).mtimeMs; } catch { /* not built */ }
  if (built > newest(join(root, 'src'))) return;
  console.log('building dist/berth.mjs (npm run build) ...');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status})`);
}

/** VmRSS, VmHWM and RssAnon (the part not backed by files: heaps) of a process in MB. */
function memory(pid: number): { rss: number; hwm: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024, anon: kb('RssAnon') / 1024 };
}
const mb = (x: number) => `${x.toFixed(0)} MB`;

/** A client over HTTPS from the kubeconfig `berth up` wrote. */
function clientFor(kubeconfig: string): ApiClient {
  interface Kubeconfig {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  }
  const doc = parse(readFileSync(kubeconfig, 'utf8')) as Kubeconfig;
  const { server, 'certificate-authority-data': ca } = doc.clusters[0].cluster;
  return createClient(createHttpTransport({ server, ca: Buffer.from(ca, 'base64').toString(), token: doc.users[0].user.token }));
}

/**
 * Watches one kind (in a namespace) from `rv`, handing each added or modified object to `seen`
 * until it returns true; resolves then, or throws at the limit.
 */
function watchUntil(c: ApiClient, type: ResourceType, ns: string | undefined, rv: string, seen: (o: KubeObject) => boolean): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), LIMIT_MS);
  return (async () => {
    try {
      for await (const ev of c.watch<KubeObject>(type, { namespace: ns, resourceVersion: rv }, abort.signal)) {
        if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && seen(ev.object)) return;
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

/** The seed's headless Service and StatefulSet (nginx, one 1Gi RWO claim per pod), in namespace `ns`. */
const service = (ns: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx', namespace: ns, labels: { app: 'nginx' } },
  spec: { clusterIP: 'None', selector: { app: 'nginx' }, ports: [{ port: 80, name: 'web' }] },
});
const statefulSet = (ns: string, replicas: number, policy: string): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: ns },
  spec: {
    serviceName: 'nginx', replicas, podManagementPolicy: policy, selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.9.1', ports: [{ containerPort: 80, name: 'web' }], volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] },
    },
    volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  },
});

/**
 * Times one StatefulSet from its creation: all pods created (status.replicas), all claims Bound
 * (a watch on claims), all pods Ready (status.readyReplicas). The set is polled rather than its
 * pods watched: a watch on a thousand pods changing five times each would be a good part of
 * the server's work and memory, which is not the figure wanted here.
 */
async function timeSet(c: ApiClient, ns: string, replicas: number, policy: string): Promise<Record<'created' | 'bound' | 'ready', number>> {
  await c.create(Namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  if (!NO_SERVICE) await c.create(Services, service(ns));
  const rv = (await c.list(PersistentVolumeClaims, { namespace: ns })).metadata.resourceVersion ?? '0';
  const bound = new Set<string>();
  const at = { created: 0, bound: 0, ready: 0 };
  const claims = watchUntil(c, PersistentVolumeClaims, ns, rv, (o) => {
    if ((o.status as { phase?: string } | undefined)?.phase === 'Bound') bound.add(o.metadata!.name!);
    if (bound.size === replicas) at.bound = performance.now();
    return at.bound > 0;
  });
  const t0 = performance.now();
  await c.create(StatefulSets, statefulSet(ns, replicas, policy));
  while (!at.ready) {
    if (performance.now() - t0 > LIMIT_MS) throw new Error(`gave up on the set after ${secs(LIMIT_MS)}`);
    await sleep(POLL_MS);
    const st = (await c.get(StatefulSets, { namespace: ns, name: 'web' })).status as { replicas?: number; readyReplicas?: number } | undefined;
    if (!at.created && st?.replicas === replicas) at.created = performance.now();
    if (st?.readyReplicas === replicas) at.ready = performance.now();
  }
  await claims;
  return { created: at.created - t0, bound: at.bound - t0, ready: at.ready - t0 };
}

/** Until the sim node is Ready, then a few quiet seconds so the idle figure is settled. */
async function idle(c: ApiClient): Promise<void> {
  await watchUntil(c, Nodes, undefined, '0', isReady);
  await sleep(3000);
}

ensureBuilt();
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-statefulset-'));
// Inherited by the berth process (spawn passes process.env).
if (process.env.BENCH_HEAPSNAPSHOT) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2`;
const berth = await berthUp(join(dir, 'data'), 'sim');
try {
  const pid = berth.child.pid!;
  const c = clientFor(berth.kubeconfig);
  await idle(c);
  const base = memory(pid);
  console.log(`berth up --runtime sim (pid ${pid}), idle with its node Ready: VmRSS ${mb(base.rss)} (anonymous ${mb(base.anon)}; baseline)`);

  const cpu0 = readCpu(pid);
  const par = await timeSet(c, 'parallel', N, 'Parallel');
  const at = memory(pid);
  const cpu = readCpu(pid) - cpu0;
  console.log(`Parallel, ${N} replicas with a claim each${NO_SERVICE ? ' (no Service)' : ''}: all pods created in ${secs(par.created)}, all claims Bound in ${secs(par.bound)},`
    + ` all pods Ready in ${secs(par.ready)} (target: Ready < 15 s); berth CPU ${secs(cpu)};`
    + ` berth VmRSS ${mb(at.rss)} (+${mb(at.rss - base.rss)} over idle; anonymous ${mb(at.anon)}), VmHWM ${mb(at.hwm)} (target: RSS <= 300 MB)`);
  if (process.env.BENCH_HEAPSNAPSHOT) {
    process.kill(pid, 'SIGUSR2');
    await sleep(20_000);
  }

  const ord = await timeSet(c, 'ordered', M, 'OrderedReady');
  const after = memory(pid);
  console.log(`OrderedReady, ${M} replicas with a claim each: all Ready in ${secs(ord.ready)} (${(ord.ready / M).toFixed(0)} ms per pod);`
    + ` berth VmRSS ${mb(after.rss)}, VmHWM ${mb(after.hwm)}`);
} finally {
  await berthStop(berth.child);
  rmSync(dir, { recursive: true, force: true });
}

/** User + system CPU of a process so far, in ms (/proc/<pid>/stat utime + stime). */
function readCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
