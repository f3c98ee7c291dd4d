// The node agent's prober (upstream pkg/kubelet/prober/prober_manager.go with its results
// managers): one worker per (pod uid, container, probe type) for every regular container and
// sidecar (restartable init container) that declares a probe, results per container id, and
// the two questions the pod sync asks:
// - view(): started/ready per container, for the status (ProbeView). A container without a
//   startup probe is started once running; one without a readiness probe is ready once started.
//   A started container whose readiness has not succeeded yet gets its probe run now.
// - unhealthy(): running containers whose liveness or startup probe failed: the sync stops
//   them and its restart logic starts them again per restartPolicy.
// A result change re-queues the pod's sync through subscribe(). Workers stop with the pod
// (removePod/retain: deleted, terminal, replaced by a same-named successor) and with the agent
// (stop(), or the signal): none outlives them, and no timer is left behind.
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../core/index.js';
import type { Clock, Logger } from '../../controller-runtime/index.js';
import type { EventRecorder } from '../events.js';
import type { ContainerStatus, Runtime } from '../runtime/index.js';
import type { ProbeView } from '../status/generate.js';
import { ProbeWorker, type PodSnapshot, type ProbeResult, type ProbeType, type WorkerHost } from './worker.js';

type PodObject = Pod & KubeObject;

export interface ProbeManagerOptions {
  /** The runtime's execSync runs exec probes; httpGet, tcpSocket and grpc go to the pod IP from here. */
  readonly runtime: Pick<Runtime, 'execSync'>;
  readonly events: EventRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Aborting it stops every worker (the agent's lifetime). */
  readonly signal?: AbortSignal;
}

/** A liveness or startup failure of a running container: it must be stopped. */
export interface UnhealthyContainer {
  readonly status: ContainerStatus;
  readonly spec: Container;
  readonly init: boolean;
  readonly probe: 'liveness' | 'startup';
}

interface PodEntry {
  snapshot: PodSnapshot;
  readonly workers: Map<string, ProbeWorker>;
}

const TYPES: ReadonlyArray<[ProbeType, 'startupProbe' | 'readinessProbe' | 'livenessProbe']> = [
  ['startup', 'startupProbe'], ['readiness', 'readinessProbe'], ['liveness', 'livenessProbe'],
];

export const podKeyOf = (pod: Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;

function latestByName(containers: readonly ContainerStatus[]): Map<string, ContainerStatus> {
  const latest = new Map<string, ContainerStatus>();
  for (const c of containers) if ((latest.get(c.name)?.attempt ?? -1) < c.attempt) latest.set(c.name, c);
  return latest;
}

/** The containers probes apply to: regular ones and sidecars (init containers with restartPolicy Always). */
function probedContainers(pod: Pod): Array<{ spec: Container; init: boolean }> {
  return [
    ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((spec) => ({ spec, init: true })),
    ...(pod.spec?.containers ?? []).map((spec) => ({ spec, init: false })),
  ];
}

function specOf(pod: Pod, name: string): { spec: Container; init: boolean } | undefined {
  return probedContainers(pod).find((c) => c.spec.name === name);
}

function probeOf(spec: Container | undefined, type: ProbeType): Probe | undefined {
  return spec?.[TYPES.find(([t]) => t === type)![1]];
}

export class ProbeManager {
  private readonly pods = new Map<string, PodEntry>();
  private readonly results: Record<ProbeType, Map<string, ProbeResult>> = { liveness: new Map(), readiness: new Map(), startup: new Map() };
  private readonly listeners = new Set<(podKey: string) => void>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  private readonly host: WorkerHost;

  constructor(private readonly opts: ProbeManagerOptions) {
    const execSync = opts.runtime.execSync?.bind(opts.runtime);
    this.host = {
      clock: opts.clock, logger: opts.logger, events: opts.events, execSync,
      snapshot: (uid) => this.pods.get(uid)?.snapshot,
      isStarted: (uid, name, id) => this.isStarted(this.pods.get(uid)?.snapshot.pod, name, id),
      setResult: (type, id, result, key) => this.setResult(type, id, result, key),
      removeResult: (type, id) => { this.results[type].delete(id); },
    };
    opts.signal?.addEventListener('abort', () => this.stopAll(), { once: true });
  }

  /** Called with the pod's key (namespace/name) whenever a probe result of it changes. */
  subscribe(fn: (podKey: string) => void): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  /**
   * The pod sync's latest facts: starts the workers the pod's probes need (once per pod uid,
   * container and type, as upstream's AddPod) and hands them the containers and the pod IP.
   */
  update(pod: PodObject, containers: readonly ContainerStatus[], podIP: string | undefined): void {
    const uid = pod.metadata?.uid;
    if (this.stopped || !uid) return;
    const snapshot: PodSnapshot = { key: podKeyOf(pod), pod, latest: latestByName(containers), podIP };
    let entry = this.pods.get(uid);
    if (entry) entry.snapshot = snapshot;
    else this.pods.set(uid, entry = { snapshot, workers: new Map() });
    for (const { spec, init } of probedContainers(pod)) {
      for (const [type, field] of TYPES) {
        const probe = spec[field];
        const key = `${type}/${spec.name}`;
        if (!probe || entry.workers.has(key)) continue;
        const fieldPath = `spec.${init ? 'initContainers' : 'containers'}{${spec.name}}`;
        const w = new ProbeWorker(this.host, uid, spec, type, probe, fieldPath);
        entry.workers.set(key, w);
        this.running.add(w.done);
        void w.done.finally(() => this.running.delete(w.done));
      }
    }
  }

  /** Stops every worker of the pod and forgets it (deleted, terminal, or gone). */
  removePod(uid: string): void {
    const entry = this.pods.get(uid);
    if (!entry) return;
    this.pods.delete(uid);
    for (const w of entry.workers.values()) w.stop();
  }

  /** Keeps only the pod with this uid under namespace/name (none when uid is undefined). */
  retain(namespace: string | undefined, name: string, uid: string | undefined): void {
    const key = `${namespace}/${name}`;
    for (const [u, e] of [...this.pods]) if (e.snapshot.key === key && u !== uid) this.removePod(u);
  }

  view(pod: Pod, containers: readonly ContainerStatus[]): ProbeView {
    const latest = latestByName(containers);
    const entry = this.pods.get(pod.metadata?.uid ?? '');
    const running = (name: string) => { const c = latest.get(name); return c?.state === 'running' ? c : undefined; };
    const started = (name: string) => { const c = running(name); return !!c && this.isStarted(pod, name, c.id); };
    return {
      started,
      ready: (name) => {
        const c = running(name);
        if (!c || !started(name)) return false;
        if (this.results.readiness.get(c.id) === 'success') return true;
        if (!probeOf(specOf(pod, name)?.spec, 'readiness')) return true;
        // Not ready yet, with a probe that has not said so: ask it now (upstream UpdatePodStatus).
        entry?.workers.get(`readiness/${name}`)?.trigger();
        return false;
      },
    };
  }

  /** Running containers whose current attempt failed its liveness or startup probe. */
  unhealthy(pod: Pod, containers: readonly ContainerStatus[]): UnhealthyContainer[] {
    const out: UnhealthyContainer[] = [];
    for (const c of latestByName(containers).values()) {
      if (c.state !== 'running') continue;
      const probe = this.results.liveness.get(c.id) === 'failure' ? 'liveness'
        : this.results.startup.get(c.id) === 'failure' ? 'startup' : undefined;
      const spec = specOf(pod, c.name);
      if (probe && spec) out.push({ status: c, spec: spec.spec, init: spec.init, probe });
    }
    return out;
  }

  /** Stops every worker and waits until each has finished its run in flight. */
  async stop(): Promise<void> {
    this.stopAll();
    await Promise.all([...this.running]);
  }

  private stopAll(): void {
    this.stopped = true;
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }

  private isStarted(pod: Pod | undefined, name: string, containerId: string): boolean {
    const r = this.results.startup.get(containerId);
    if (r !== undefined) return r === 'success';
    // A startup probe that has not passed yet holds the container back; without one it is started.
    return !probeOf(pod && specOf(pod, name)?.spec, 'startup');
  }

  private setResult(type: ProbeType, containerId: string, result: ProbeResult | undefined, podKey: string | undefined): void {
    const results = this.results[type];
    if (results.get(containerId) === result) return;
    if (result === undefined) results.delete(containerId); else results.set(containerId, result);
    if (podKey && !this.stopped) for (const fn of this.listeners) fn(podKey);
  }
}
