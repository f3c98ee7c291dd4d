// Shared setup for the scheduler tests: a cluster running only the scheduler, Ready nodes
// created as a kubelet would register them, pod builders, and waits on placement and on the
// PodScheduled=False condition.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { controllerManager, type ControllerFactory } from '../../src/cluster/index.js';
import { silentLogger } from '../../src/controller-runtime/index.js';
import { schedulerController } from '../../src/controllers/scheduler/index.js';
import { Nodes, Pods, type KubeObject } from '../../src/core/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { eventually } from './helpers.js';

export type PodObject = Pod & KubeObject;

/** A Ready node as a kubelet would have registered it. */
export async function createNode(c: TestCluster, name: string, opts: { labels?: Record<string, string>; allocatable?: Record<string, string> } = {}) {
  const allocatable = opts.allocatable ?? { cpu: '4', memory: '8Gi', pods: '110' };
  await c.client.create(Nodes, {
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...opts.labels } },
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
  });
}

export function podSpec(name: string, spec: Partial<Pod['spec']> = {}, labels?: Record<string, string>): PodObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'app', image: 'nginx:1.9.1' }], ...spec } as Pod['spec'],
  };
}

export const nodeOf = async (c: TestCluster, name: string) =>
  (await c.client.get<PodObject>(Pods, { namespace: 'default', name })).spec?.nodeName;

export async function scheduledTo(c: TestCluster, name: string): Promise<string> {
  return eventually(() => nodeOf(c, name), `pod ${name} to be scheduled`);
}

export async function failedScheduling(c: TestCluster, pod: string, message?: string): Promise<string> {
  return eventually(async () => {
    const p = await c.client.get<PodObject>(Pods, { namespace: 'default', name: pod });
    const cond = p.status?.conditions?.find((x) => x.type === 'PodScheduled');
    if (cond?.status !== 'False' || cond.reason !== 'Unschedulable') return undefined;
    if (message !== undefined && cond.message !== message) return undefined;
    return cond.message;
  }, `PodScheduled=False for ${pod}${message ? `: ${message}` : ''}`);
}

export async function startSchedulerCluster(more: readonly ControllerFactory[] = []): Promise<TestCluster> {
  return startTestCluster({ components: [controllerManager({ controllers: [schedulerController, ...more], logger: silentLogger, leaderElection: false })] });
}
