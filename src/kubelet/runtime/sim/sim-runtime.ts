// The sim runtime: sandboxes and containers that "run" with no processes, so controllers and
// the agent can be exercised at thousands of pods without root. Implements the Runtime
// contract of ../types.ts; what a container does is decided by command.ts (its command line).
//
// - Sandboxes get an IP from the node's pod CIDR (updateRuntimeConfig), released when stopped.
// - A started container is `running`; one whose command ends on its own exits after its sleeps
//   with its exit code (reason Completed for 0, Error otherwise), which is pushed as an event.
// - stopContainer models a process that honours SIGTERM: it exits with 0 at once, so the grace
//   period is an upper bound that is never reached.
// - State lives in a StateStore (default: in memory). A new SimRuntime over the same store
//   re-adopts everything: running containers keep running and their pending exits are re-armed.
import { randomBytes } from 'node:crypto';
import { realClock, type Clock } from '../../../controller-runtime/index.js';
import { memoryStateStore, type StateStore } from '../state.js';
import type {
  ContainerConfig, ContainerStatus, ImageStatus, Runtime, RuntimeEvent, RuntimeVersion, SandboxConfig, SandboxFilter, SandboxStatus,
} from '../types.js';
import { simBehaviour, type SimBehaviour } from './command.js';
import { normalizeImage, simImageStatus } from './image.js';
import { IpPool } from './ip-pool.js';
import { Index } from './lookup.js';

interface SandboxRecord {
  kind: 'sandbox';
  id: string; podUid: string; podName: string; podNamespace: string; attempt: number;
  hostNetwork: boolean; state: 'ready' | 'notready'; createdAt: number; ips: string[];
}

interface ContainerRecord {
  kind: 'container';
  id: string; sandboxId: string; podUid: string; name: string; attempt: number;
  image: string; imageRef: string; state: 'created' | 'running' | 'exited';
  createdAt: number; startedAt?: number; finishedAt?: number; exitCode?: number; reason?: string;
  behaviour: SimBehaviour;
}

export type SimRecord = SandboxRecord | ContainerRecord;

export interface SimRuntimeOptions {
  /** Where sandboxes and containers are remembered; share it to survive an agent restart. */
  readonly state?: StateStore<SimRecord>;
  readonly clock?: Clock;
}

export const SIM_RUNTIME_VERSION = '0.1.0';

const newId = () => randomBytes(32).toString('hex');

export class SimRuntime implements Runtime {
  readonly type = 'sim';
  private readonly store: StateStore<SimRecord>;
  private readonly clock: Clock;
  private readonly sandboxes = new Map<string, SandboxRecord>();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly sandboxesByPod = new Index();
  private readonly sandboxesByName = new Index();
  private readonly containersByPod = new Index();
  private readonly exitTimers = new Map<string, () => void>();
  private readonly listeners = new Set<(e: RuntimeEvent) => void>();
  private readonly ips = new IpPool();
  private loaded: Promise<void> | undefined;

  constructor(opts: SimRuntimeOptions = {}) {
    this.store = opts.state ?? memoryStateStore<SimRecord>();
    this.clock = opts.clock ?? realClock;
  }

  async version(): Promise<RuntimeVersion> {
    return { runtimeName: 'sim', runtimeVersion: SIM_RUNTIME_VERSION };
  }

  async updateRuntimeConfig(config: { readonly podCIDR?: string }): Promise<void> {
    await this.load();
    if (!config.podCIDR) return;
    this.ips.configure(config.podCIDR);
    for (const s of this.sandboxes.values()) for (const ip of s.ips) this.ips.reserve(ip);
  }

  async runPodSandbox(config: SandboxConfig): Promise<string> {
    await this.load();
    for (const id of this.sandboxesByPod.get(config.podUid)) {
      if (this.sandboxes.get(id)!.attempt === config.attempt) return id;
    }
    if (!config.hostNetwork && !this.ips.configured) throw new Error('sim runtime: no pod CIDR configured');
    const rec: SandboxRecord = {
      kind: 'sandbox', id: newId(), podUid: config.podUid, podName: config.podName, podNamespace: config.podNamespace,
      attempt: config.attempt, hostNetwork: config.hostNetwork, state: 'ready', createdAt: this.clock.now(),
      ips: config.hostNetwork ? [] : [this.ips.allocate()],
    };
    this.track(rec);
    await this.store.put(rec.id, rec);
    return rec.id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    await this.load();
    const s = this.sandboxes.get(id);
    if (!s) return;
    for (const c of this.containersOf(s.podUid)) if (c.sandboxId === id && c.state === 'running') await this.exit(c, 137, 'Error', false);
    if (s.state === 'notready') return;
    for (const ip of s.ips) this.ips.release(ip);
    s.state = 'notready';
    s.ips = [];
    await this.store.put(s.id, s);
  }

  async removePodSandbox(id: string): Promise<void> {
    await this.load();
    await this.stopPodSandbox(id);
    const s = this.sandboxes.get(id);
    if (!s) return;
    for (const c of this.containersOf(s.podUid)) if (c.sandboxId === id) await this.removeContainer(c.id);
    this.sandboxes.delete(id);
    this.sandboxesByPod.remove(s.podUid, id);
    this.sandboxesByName.remove(`${s.podNamespace}/${s.podName}`, id);
    await this.store.delete(id);
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<SandboxStatus[]> {
    await this.load();
    const candidates = filter.podUid ? [...this.sandboxesByPod.get(filter.podUid)].map((id) => this.sandboxes.get(id)!)
      : filter.podName && filter.podNamespace !== undefined ? [...this.sandboxesByName.get(`${filter.podNamespace}/${filter.podName}`)].map((id) => this.sandboxes.get(id)!)
        : [...this.sandboxes.values()];
    return candidates
      .filter((s) => (!filter.podUid || s.podUid === filter.podUid) && (!filter.podName || s.podName === filter.podName)
        && (filter.podNamespace === undefined || s.podNamespace === filter.podNamespace))
      .map((s) => ({
        id: s.id, podUid: s.podUid, podName: s.podName, podNamespace: s.podNamespace, attempt: s.attempt,
        state: s.state, createdAt: new Date(s.createdAt), ips: [...s.ips],
      }));
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    await this.load();
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) throw new Error(`sim runtime: sandbox ${sandboxId} not found`);
    for (const c of this.containersOf(sandbox.podUid)) {
      if (c.sandboxId === sandboxId && c.name === config.name && c.attempt === config.attempt) return c.id;
    }
    const rec: ContainerRecord = {
      kind: 'container', id: newId(), sandboxId, podUid: sandbox.podUid, name: config.name, attempt: config.attempt,
      image: normalizeImage(config.image), imageRef: config.imageRef, state: 'created', createdAt: this.clock.now(),
      behaviour: simBehaviour(config.command, config.args),
    };
    this.track(rec);
    await this.store.put(rec.id, rec);
    return rec.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.load();
    const c = this.containers.get(id);
    if (!c) throw new Error(`sim runtime: container ${id} not found`);
    if (c.state !== 'created') return;
    c.state = 'running';
    c.startedAt = this.clock.now();
    await this.store.put(c.id, c);
    this.armExit(c);
  }

  async stopContainer(id: string): Promise<void> {
    await this.load();
    const c = this.containers.get(id);
    if (c?.state === 'running') await this.exit(c, 0, 'Completed', false);
    else if (c?.state === 'created') await this.exit(c, 0, 'Completed', false);
  }

  async removeContainer(id: string): Promise<void> {
    await this.load();
    this.exitTimers.get(id)?.();
    this.exitTimers.delete(id);
    const c = this.containers.get(id);
    if (!c) return;
    this.containers.delete(id);
    this.containersByPod.remove(c.podUid, id);
    await this.store.delete(id);
  }

  async listContainers(filter: { readonly podUid?: string; readonly sandboxId?: string } = {}): Promise<ContainerStatus[]> {
    await this.load();
    const out: ContainerStatus[] = [];
    let source: Iterable<ContainerRecord> = this.containers.values();
    if (filter.podUid) source = this.containersOf(filter.podUid);
    else if (filter.sandboxId) source = this.containersOf(this.sandboxes.get(filter.sandboxId)?.podUid ?? '');
    for (const c of source) {
      if (filter.podUid && c.podUid !== filter.podUid) continue;
      if (filter.sandboxId && c.sandboxId !== filter.sandboxId) continue;
      out.push({
        id: c.id, sandboxId: c.sandboxId, podUid: c.podUid, name: c.name, attempt: c.attempt, image: c.image,
        imageRef: c.imageRef, state: c.state, createdAt: new Date(c.createdAt),
        startedAt: c.startedAt === undefined ? undefined : new Date(c.startedAt),
        finishedAt: c.finishedAt === undefined ? undefined : new Date(c.finishedAt),
        exitCode: c.exitCode, reason: c.reason,
      });
    }
    return out;
  }

  async imageStatus(image: string): Promise<ImageStatus | undefined> {
    return simImageStatus(image);
  }

  async pullImage(image: string): Promise<ImageStatus> {
    return simImageStatus(image);
  }

  async *watchEvents(signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    const pending: RuntimeEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (e: RuntimeEvent) => { pending.push(e); wake?.(); };
    const onAbort = () => wake?.();
    this.listeners.add(listener);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (pending.length === 0) await new Promise<void>((r) => { wake = r; });
        wake = undefined;
        while (pending.length && !signal.aborted) yield pending.shift()!;
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Loads the store once; re-arms exits of containers that were running. */
  private load(): Promise<void> {
    this.loaded ??= (async () => {
      for (const { value } of await this.store.list()) {
        this.track(value);
      }
      for (const c of this.containers.values()) if (c.state === 'running') this.armExit(c);
    })();
    return this.loaded;
  }

  private track(rec: SimRecord): void {
    if (rec.kind === 'sandbox') {
      this.sandboxes.set(rec.id, rec);
      this.sandboxesByPod.add(rec.podUid, rec.id);
      this.sandboxesByName.add(`${rec.podNamespace}/${rec.podName}`, rec.id);
    } else {
      this.containers.set(rec.id, rec);
      this.containersByPod.add(rec.podUid, rec.id);
    }
  }

  private containersOf(podUid: string): ContainerRecord[] {
    return [...this.containersByPod.get(podUid)].map((id) => this.containers.get(id)!);
  }

  private armExit(c: ContainerRecord): void {
    const exit = c.behaviour.exit;
    if (!exit || this.exitTimers.has(c.id)) return;
    const due = (c.startedAt ?? this.clock.now()) + exit.afterMs - this.clock.now();
    const cancel = this.clock.setTimer(() => {
      this.exitTimers.delete(c.id);
      if (this.containers.get(c.id)?.state === 'running') {
        void this.exit(c, exit.code, exit.code === 0 ? 'Completed' : 'Error', true);
      }
    }, Math.max(0, due));
    this.exitTimers.set(c.id, cancel);
  }

  private async exit(c: ContainerRecord, code: number, reason: string, notify: boolean): Promise<void> {
    this.exitTimers.get(c.id)?.();
    this.exitTimers.delete(c.id);
    c.state = 'exited';
    c.exitCode = code;
    c.reason = reason;
    c.finishedAt = this.clock.now();
    c.startedAt ??= c.finishedAt;
    await this.store.put(c.id, c);
    // Exits the agent asked for need no event; only exits on the container's own account do.
    if (notify) for (const l of this.listeners) l({ podUid: c.podUid });
  }
}

/** A sim runtime; pass the same `state` to a later one to model an agent restart. */
export function simRuntime(opts: SimRuntimeOptions = {}): Runtime {
  return new SimRuntime(opts);
}
