// Shared setup for the node-agent tests: a cluster with sim node agents (fast lease and status
// intervals) and the scheduler, pod builders, and a recorder of a pod's states as watched.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { controllerManager } from '../../src/cluster/index.js';
import { silentLogger } from '../../src/controller-runtime/index.js';
import { schedulerController } from '../../src/controllers/scheduler/index.js';
import { Pods, type KubeObject } from '../../src/core/index.js';
import { simNodes, type AgentComponent } from '../../src/kubelet/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { eventually } from './helpers.js';

export type PodObject = Pod & KubeObject;

export const FAST = { leaseRenewIntervalMs: 200, statusUpdateIntervalMs: 200, logger: silentLogger } as const;

export function schedulerManager() {
  return controllerManager({ controllers: [schedulerController], logger: silentLogger, leaderElection: false });
}

export async function startNodeCluster(nodes = 1, extra: readonly AgentComponent[] = []): Promise<TestCluster> {
  return startTestCluster({ components: [...simNodes(nodes, FAST), ...extra, schedulerManager()] });
}

export function pod(name: string, spec: Partial<Pod['spec']> = {}, labels?: Record<string, string>): PodObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'app', image: 'nginx:1.9.1' }], ...spec } as Pod['spec'],
  };
}

export const getPod = (c: TestCluster, name: string) => c.client.get<PodObject>(Pods, { namespace: 'default', name });

export async function podPhase(c: TestCluster, name: string, phase: string): Promise<PodObject> {
  return eventually(async () => {
    const p = await getPod(c, name);
    return p.status?.phase === phase ? p : undefined;
  }, `pod ${name} ${phase}`);
}

/** Every state of one pod as a watch delivers it, until stop() or the pod is deleted. */
export function recordPod(c: TestCluster, name: string): { states: PodObject[]; deleted: Promise<PodObject>; stop(): void } {
  const abort = new AbortController();
  const states: PodObject[] = [];
  const deleted = (async () => {
    const list = await c.client.list<PodObject>(Pods, { namespace: 'default' });
    const stream = c.client.watch<PodObject>(Pods, {
      namespace: 'default', fieldSelector: `metadata.name=${name}`, resourceVersion: list.metadata.resourceVersion ?? '0',
    }, abort.signal);
    for await (const ev of stream) {
      if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') continue;
      states.push(ev.object as PodObject);
      if (ev.type === 'DELETED') return ev.object as PodObject;
    }
    throw new Error(`watch of ${name} ended before the pod was deleted`);
  })();
  deleted.catch(() => {});
  return { states, deleted, stop: () => abort.abort() };
}
