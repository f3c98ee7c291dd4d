// Test-only helpers for the StatefulSet tests: a cluster with the controllers they need, and a
// stand-in for the node agent (none exists yet) that binds, readies and finishes deleting pods
// through the API, exactly the writes a kubelet makes.
import { ConfigMaps, isNotFound, Namespaces, PersistentVolumeClaims, Pods, type KubeObject } from '../../src/core/index.js';
import type { ApiClient } from '../../src/client/index.js';
import { controllerManager, type ControllerFactory } from '../../src/cluster/index.js';
import { silentLogger } from '../../src/controller-runtime/index.js';
import { garbageCollector } from '../../src/controllers/garbage-collector/index.js';
import { namespaceController } from '../../src/controllers/namespace/index.js';
import { statefulSetController } from '../../src/controllers/statefulset/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { eventually } from './helpers.js';

export type Pod = KubeObject & {
  spec?: { nodeName?: string; hostname?: string; subdomain?: string; volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[] };
  status?: { phase?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
};

/** A cluster with the namespace controller, the garbage collector (unless `gc` is false), the StatefulSet controller and `extra`. */
export function startStatefulSetCluster(extra: readonly ControllerFactory[] = [], gc = true): Promise<TestCluster> {
  return startTestCluster({
    components: [controllerManager({
      controllers: [namespaceController, ...(gc ? [garbageCollector] : []), (c, i) => statefulSetController(c, i, { logger: silentLogger }), ...extra],
      logger: silentLogger, leaderElection: false,
    })],
  });
}

export async function createNamespace(client: ApiClient, name: string): Promise<void> {
  await client.create(Namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/**
 * Deletes the namespace and waits until it (and so everything in it) is gone. No pvc-protection
 * controller runs in these clusters, so once no pod is left this plays its part: terminating
 * claims lose their finalizer.
 */
export async function deleteNamespace(client: ApiClient, name: string): Promise<void> {
  await client.delete(Namespaces, { name });
  await eventually(async () => {
    if ((await client.list(Pods, { namespace: name })).items.length === 0) await releaseClaims(client, name);
    try { await client.get(Namespaces, { name }); return false; } catch (e) { return isNotFound(e); }
  }, `namespace ${name} to go`, 30_000);
}

/** pvc-protection's part: terminating claims of a namespace lose their finalizers. */
export async function releaseClaims(client: ApiClient, namespace: string, names?: readonly string[]): Promise<void> {
  for (const c of (await client.list(PersistentVolumeClaims, { namespace })).items) {
    if (!c.metadata?.deletionTimestamp || !c.metadata.finalizers?.length) continue;
    if (names && !names.includes(c.metadata.name!)) continue;
    try {
      await client.patch(PersistentVolumeClaims, { namespace, name: c.metadata.name! }, 'merge', { metadata: { finalizers: null } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/**
 * Whether a repeated DELETE of an object held by a finalizer leaves it alone, as upstream's
 * registry does. Where it rewrites the object instead, the garbage collector deletes a
 * finalized dependent in a tight loop of writes and watch events that starves the process.
 */
export async function repeatedDeleteIsNoop(client: ApiClient, namespace: string): Promise<boolean> {
  const key = { namespace, name: 'repeated-delete-probe' };
  await client.create(ConfigMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...key, finalizers: ['berth.test/hold'] } });
  try {
    const first = await client.delete(ConfigMaps, key);
    const second = await client.delete(ConfigMaps, key);
    return first.metadata?.resourceVersion === second.metadata?.resourceVersion;
  } finally {
    await client.patch(ConfigMaps, key, 'merge', { metadata: { finalizers: null } });
  }
}

export const isReady = (p: Pod) => p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * A fake node agent for one namespace, polling the API: with `bind`, binds unbound pods to
 * `node-a` (so deletions are graceful, as for scheduled pods) and confirms graceful deletions
 * unless `holdDeletes` is set; makes Pending pods Running and Ready unless `hold` names them.
 * Without `bind`, pods stay unscheduled and the API removes them at once on delete.
 */
export class FakeKubelet {
  readonly hold = new Set<string>();
  holdDeletes = false;
  /** What it did, in order: `bind web-0`, `ready web-0`, `delete web-1`. */
  readonly log: string[] = [];
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly client: ApiClient, private readonly namespace: string, private readonly bind = false) {}

  start(): this {
    this.loop = this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        const list = await this.client.list<Pod>(Pods, { namespace: this.namespace });
        for (const pod of list.items) await this.tend(pod);
      } catch {
        // Objects change under us; the next round sees the new state.
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async tend(pod: Pod): Promise<void> {
    const key = { namespace: this.namespace, name: pod.metadata!.name! };
    if (pod.metadata?.deletionTimestamp) {
      if (!this.holdDeletes) {
        await this.client.delete(Pods, key, { gracePeriodSeconds: 0 });
        this.log.push(`delete ${key.name}`);
      }
      return;
    }
    if (this.bind && !pod.spec?.nodeName) {
      await this.client.createSubresource(Pods, key, 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: key.name }, target: { kind: 'Node', name: 'node-a' } });
      this.log.push(`bind ${key.name}`);
      return;
    }
    if (pod.status?.phase === 'Pending' && !this.hold.has(key.name)) {
      await setReady(this.client, pod);
      this.log.push(`ready ${key.name}`);
    }
  }
}

/** Records pod events of one namespace in the order the API sent them: `add web-0`, `ready web-0`, `delete web-0`. */
export class PodEvents {
  readonly log: string[] = [];
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly client: ApiClient, private readonly namespace: string) {}

  async start(): Promise<this> {
    const list = await this.client.list(Pods, { namespace: this.namespace });
    const rv = list.metadata.resourceVersion ?? '0';
    const ready = new Set<string>();
    this.loop = (async () => {
      try {
        for await (const ev of this.client.watch<Pod>(Pods, { namespace: this.namespace, resourceVersion: rv }, this.abort.signal)) {
          if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') continue;
          const name = ev.object.metadata?.name ?? '';
          if (ev.type === 'ADDED') this.log.push(`add ${name}`);
          if (ev.type === 'DELETED') { this.log.push(`delete ${name}`); ready.delete(name); continue; }
          if (isReady(ev.object) && !ready.has(name)) { ready.add(name); this.log.push(`ready ${name}`); }
        }
      } catch {
        // Aborted.
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}

/** What a kubelet writes once the containers run and pass readiness. */
export async function setReady(client: ApiClient, pod: Pod, when = new Date()): Promise<void> {
  const t = when.toISOString().replace(/\.\d+Z$/, 'Z');
  const containers = ((pod.spec as { containers?: { name: string; image: string }[] }).containers ?? []);
  const status = {
    ...pod.status, phase: 'Running', hostIP: '10.0.0.1', podIP: '10.1.0.1', startTime: t,
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t })),
    containerStatuses: containers.map((c) => ({
      name: c.name, image: c.image, imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: t } },
    })),
  };
  await client.updateStatus(Pods, { ...pod, status });
}

/** Sets a pod's phase (Failed, Succeeded) as a kubelet would when its containers end. */
export async function setPhase(client: ApiClient, pod: Pod, phase: string): Promise<void> {
  await client.updateStatus(Pods, { ...pod, status: { ...pod.status, phase, conditions: [] } });
}

export async function podsOf(client: ApiClient, namespace: string): Promise<Pod[]> {
  return (await client.list<Pod>(Pods, { namespace })).items.sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
}
