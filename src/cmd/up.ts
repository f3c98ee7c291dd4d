// `berth up`: the whole cluster in the foreground until Ctrl-C.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import {
  controllerManager, linuxNodeSet, localPodStreams, mergeKubeconfig, normalizePodCidr, simNodeSet, startCluster, writeKubeconfig, type NodeSet,
} from '../cluster/index.js';
import { createLogger, parseLogFormat, parseVerbosity, type Logger } from '../controller-runtime/index.js';
import { formatPreflight, preflight } from '../kubelet/index.js';
import { waitForNodes } from './ready.js';
import { paths, resolveDataDir } from './data-dir.js';
import { parseListen } from './listen.js';

export interface UpOptions {
  dataDir?: string;
  listen?: string;
  store?: string;
  mergeKubeconfig?: boolean;
  context?: string;
  runtime?: string;
  nodes?: string;
  podCidr?: string;
  v?: string;
  loggingFormat?: string;
  enableRbd?: boolean;
}

async function nodeSet(runtime: string, count: number, dataDir: string, podCIDR: string, logger: Logger, enableRbd: boolean): Promise<NodeSet> {
  if (runtime === 'sim') return simNodeSet(count, { logger });
  if (runtime !== 'linux') throw new Error(`--runtime must be linux or sim, got "${runtime}"`);
  const problems = await preflight();
  if (problems.length) {
    console.error(`berth: the linux runtime cannot run pods on this machine:\n${formatPreflight(problems)}\n`);
    console.error('To try Berth without root or these packages, run pods as simulations: berth up --runtime sim');
    process.exit(1);
  }
  return linuxNodeSet(dataDir, { podCIDR, logger, enableRbd });
}

/**
 * V8 lets the old generation grow to up to 4x what survived the last full GC before it
 * collects again; during a burst of writes (a 1,000-replica StatefulSet) that headroom, not
 * live objects, was most of the server's resident memory (old space ~200 MB around ~80 MB
 * live). A fixed 2x (bench/statefulset.ts, 1,000 replicas): 244-248 MB at 9.5-9.9 s instead
 * of ~283 MB at 8.9 s with 2.5x and ~327 MB with V8's default — some 10% more CPU for a
 * margin under the 300 MB target. Read at every GC, so it applies when set here.
 */
const HEAP_GROWING = '--heap-growing-percent=100';

export async function up(opts: UpOptions): Promise<void> {
  setFlagsFromString(HEAP_GROWING);
  const started = performance.now();
  const dataDir = resolveDataDir(opts.dataDir);
  const p = paths(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { host, port } = parseListen(opts.listen ?? '127.0.0.1:6443');
  const storeUrl = opts.store ?? `sqlite://${p.db}`;
  const runtime = opts.runtime ?? 'linux';
  const logger = createLogger({ verbosity: parseVerbosity(opts.v ?? '0'), format: parseLogFormat(opts.loggingFormat ?? 'text') });
  const podCIDR = normalizePodCidr(opts.podCidr ?? '10.244.0.0/24');
  const nodeCount = Number(opts.nodes ?? 1);
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 100) throw new Error(`--nodes must be a whole number from 1 to 100, got "${opts.nodes}"`);
  if (nodeCount > 1 && runtime !== 'sim') throw new Error('--nodes greater than 1 needs --runtime sim (one real node per machine)');
  const nodes = await nodeSet(runtime, nodeCount, dataDir, podCIDR, logger, opts.enableRbd ?? false);
  const nodeNames = nodes.names;
  let cluster;
  try {
    cluster = await startCluster({
      storeUrl, pkiDir: p.pki, host, port, log: (m) => logger.error(m),
      components: [controllerManager({ localPathRoot: join(dataDir, 'volumes'), immediateNode: nodeNames[0], logger }), ...nodes.components],
      podStreams: localPodStreams((n) => nodes.runtimeOf(n)),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      console.error(`berth: ${host}:${port} is already in use (another berth or Kubernetes API server?). Stop it, or pick another address with --listen HOST:PORT.`);
      process.exit(1);
    }
    throw e;
  }
  const readyNodes = await waitForNodes(cluster.client, nodeNames, 30_000);
  const context = opts.context ?? 'berth';
  const entry = { name: context, server: cluster.server, caPem: cluster.credentials.ca.certPem, token: cluster.credentials.adminToken };
  writeKubeconfig(p.kubeconfig, entry);
  writeFileSync(p.pidFile, `${process.pid}\n`);
  writeFileSync(p.state, JSON.stringify({ pid: process.pid, server: cluster.server, storeUrl, startedAt: new Date().toISOString() }) + '\n');
  const ms = Math.round(performance.now() - started);
  console.log(`Berth is up in ${ms} ms.`);
  console.log(`  data:   ${dataDir}`);
  console.log(`  API:    ${cluster.server}`);
  console.log(`  nodes:  ${nodeNames.join(', ')} (runtime ${runtime})`);
  if (runtime === 'linux') {
    const registered = (readyNodes[0]?.spec as { podCIDR?: string } | undefined)?.podCIDR;
    const kept = registered && registered !== podCIDR ? ` (kept from the first start; --pod-cidr ${podCIDR} applies after berth reset)` : '';
    console.log(`  pods:   ${registered ?? podCIDR}${kept}`);
  }
  if (opts.mergeKubeconfig) {
    const userConfig = process.env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube', 'config');
    mergeKubeconfig(userConfig, entry);
    console.log(`  merged context "${context}" into ${userConfig} and made it current.`);
  }
  // Ctrl-C is handled from here on: a user (or script) may press it as soon as the line below shows.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`\nberth: ${signal}, stopping...`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await cluster.stop();
    rmSync(p.pidFile, { force: true });
    rmSync(p.state, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  console.log('');
  console.log(`export KUBECONFIG=${p.kubeconfig}`);
}

