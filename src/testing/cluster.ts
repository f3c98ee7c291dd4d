// startTestCluster(): a real API server and controllers over an in-memory SQLite, with a
// kubeconfig and a private HOME so the real kubectl can drive it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PodStreams } from '../apiserver/index.js';
import { startCluster, writeKubeconfig, type Component, type RunningCluster } from '../cluster/index.js';
import type { KubectlVersion } from './binaries.js';
import { kubectl, type Kubectl } from './kubectl.js';

export interface TestCluster extends RunningCluster {
  readonly dir: string;
  readonly kubeconfig: string;
  kubectl(version?: KubectlVersion): Kubectl;
}

export interface TestClusterOptions {
  /** Or a function of the cluster's private directory (removed on stop), for volumes and the like. */
  readonly components?: readonly Component[] | ((dir: string) => readonly Component[]);
  readonly storeUrl?: string;
  readonly podStreams?: PodStreams;
}

export async function startTestCluster(opts: TestClusterOptions = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-test-'));
  let cluster: RunningCluster;
  try {
    const components = typeof opts.components === 'function' ? opts.components(dir) : opts.components;
    cluster = await startCluster({ storeUrl: opts.storeUrl ?? 'sqlite://:memory:', port: 0, components, podStreams: opts.podStreams });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, {
    name: 'berth', server: cluster.server, caPem: cluster.credentials.ca.certPem, token: cluster.credentials.adminToken,
  });
  return {
    ...cluster,
    dir,
    kubeconfig,
    kubectl: (version = '33') => kubectl(version, { kubeconfig, home: dir }),
    async stop() {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
