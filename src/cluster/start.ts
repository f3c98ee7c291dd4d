// One process, one cluster: store → API server → controllers (→ node agents, when present).
// `berth up` and the test harness both start clusters through here.
import { setMaxListeners } from 'node:events';
import { createApiServer, type ApiServer, type PodStreams } from '../apiserver/index.js';
import type { Registry as PromRegistry } from 'prom-client';
import type { ApiClient } from '../client/index.js';
import { openStore, type Store } from '../store/index.js';
import { bootstrap } from './bootstrap.js';
import { inProcessClient } from './in-process.js';
import { generateCredentials, loadOrCreateCredentials, type ClusterCredentials } from './pki-files.js';

/** What long-running parts learn about the cluster they run in. */
export interface ClusterContext {
  /** https://host:port of the API server. */
  readonly server: string;
  /** The cluster CA certificate (PEM). */
  readonly caPem: string;
  /** Where components report their metrics (served at /metrics). */
  readonly metrics: PromRegistry;
}

export interface Component {
  readonly name: string;
  /** Runs until the signal aborts; resolves when stopped. */
  run(client: ApiClient, signal: AbortSignal, cluster: ClusterContext): Promise<void>;
}

export interface ClusterOptions {
  /** sqlite://PATH, sqlite://:memory: */
  readonly storeUrl: string;
  /** Directory for certificates and tokens; omitted = fresh in-memory credentials. */
  readonly pkiDir?: string;
  readonly host?: string;
  readonly port?: number;
  readonly components?: readonly Component[];
  readonly log?: (msg: string) => void;
  /** What serves pods/exec, attach, log and portforward (the node agent); omitted = 503. */
  readonly podStreams?: PodStreams;
}

export interface RunningCluster {
  readonly api: ApiServer;
  readonly store: Store;
  readonly client: ApiClient;
  readonly server: string;             // https://host:port
  readonly credentials: ClusterCredentials;
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<RunningCluster> {
  const host = opts.host ?? '127.0.0.1';
  // Keys are made off the main thread while the store opens.
  const [credentials, store] = await Promise.all([
    opts.pkiDir ? loadOrCreateCredentials(opts.pkiDir, [host]) : generateCredentials([host]),
    openStore(opts.storeUrl),
  ]);
  const api = createApiServer({
    store,
    tokens: [{ token: credentials.adminToken, user: { name: 'berth-admin', groups: ['system:masters', 'system:authenticated'] } }],
    tls: { cert: credentials.serving.certPem, key: credentials.serving.keyPem, ca: credentials.ca.certPem },
    podStreams: opts.podStreams,
  });
  let address;
  try {
    address = await api.listen(opts.port ?? 6443, host);
  } catch (e) {
    await store.close();
    throw e;
  }
  const client = inProcessClient(api);
  await bootstrap(client, { apiServerPort: address.port });
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const server = `https://${hostPart}:${address.port}`;
  const context: ClusterContext = { server, caPem: credentials.ca.certPem, metrics: api.metrics.registry };
  const running = (opts.components ?? []).map((c) => c.run(client, abort.signal, context).catch((e) => {
    if (!abort.signal.aborted) opts.log?.(`component ${c.name} failed: ${(e as Error).stack ?? e}`);
  }));
  return {
    api, store, client, credentials, server,
    async stop() {
      abort.abort();
      await Promise.allSettled(running);
      await api.close();
      await store.close();
    },
  };
}
