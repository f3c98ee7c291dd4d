// Shared setup for the client-library tests: a whole cluster (every controller and one sim node,
// as `berth up --runtime sim` runs it) and the official JS client bound to its kubeconfig.
// The clients see only what a user's client would: the kubeconfig file and HTTPS.
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { controllerManager } from '../../src/cluster/index.js';
import { silentLogger } from '../../src/controller-runtime/index.js';
import { simNodes } from '../../src/kubelet/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';

export { eventually } from '../e2e/helpers.js';

/** A cluster with every controller and one sim node; leader election off so controllers start at once. */
export function startFullCluster(nodes = 1): Promise<TestCluster> {
  return startTestCluster({
    components: (dir) => [
      controllerManager({ localPathRoot: join(dir, 'volumes'), logger: silentLogger, leaderElection: false }),
      ...simNodes(nodes, { leaseRenewIntervalMs: 200, statusUpdateIntervalMs: 200, logger: silentLogger }),
    ],
  });
}

/** The JS client's KubeConfig, loaded from the file kubectl also uses (CA data and a bearer token). */
export function kubeConfigOf(cluster: TestCluster): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  return kc;
}

/** The client's per-call options that choose a patch type (its generated API defaults to JSON patch). */
export const patchAs = (type: k8s.PatchStrategy) => k8s.setHeaderOptions('Content-Type', type);

/** The HTTP code and parsed Status of a rejected client call (the client keeps the body as text). */
export async function apiError(p: Promise<unknown>): Promise<{ code: number; status: Record<string, any> }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof k8s.ApiException)) throw e;
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    return { code: e.code, status: body };
  }
  throw new Error('expected the call to fail');
}

export const podSpec = (image = 'nginx:1.25') => ({ containers: [{ name: 'app', image }] });
