// Contract: LinuxRuntime implements the agent's Runtime (../types.ts) with runc, conmon and
// catatonit; sandbox.ts, container.ts and network.ts hold the mechanics, this class the
// bookkeeping. Everything it must not forget is under `root` (<data-dir>/runtime, records.ts):
// a new instance over the same root re-adopts what runs (it never restarts anything), reports
// containers that ended while no agent ran as exited (their exit codes were kept by conmon),
// sandboxes whose pause died as notready, and frees IPs whose sandbox is gone.
// Events: exits are learnt from conmon's exit files through inotify (fs.watch on exits/), plus
// a slow liveness sweep for what inotify cannot see (a pause that died, a conmon killed).
import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { credentialFor, parseReference, type CredentialLookup } from '../../../images/index.js';
import { normalizeImage } from '../sim/index.js';
import {
  RuntimeError, type ContainerConfig, type ContainerStatus, type ExecSyncResult, type ImageFsInfo, type ImageStatus, type PodDiskUsage, type RegistryAuth, type Runtime, type RuntimeEvent,
  type RuntimeImage, type RuntimeVersion,
  type SandboxConfig, type SandboxFilter, type SandboxStatus,
} from '../types.js';
import { cgroupMode, parentsOf } from './cgroups.js';
import * as ctr from './container.js';
import type { ImageSource, RuntimeContext, Tools } from './context.js';
import { run } from './exec.js';
import { execSync } from './exec-sync.js';
import { podDiskUsage } from './disk-usage.js';
import { Ipam, parseCidr } from './ipam.js';
import { ensureBridge } from './network.js';
import { findProgram } from './preflight.js';
import { isAlive } from './procs.js';
import { Layout, loadAll, type ContainerRecord, type SandboxRecord } from './records.js';
import * as sbx from './sandbox.js';
import { EventHub } from './events.js';

export interface LinuxRuntimeOptions {
  /** <data-dir>/runtime: sandboxes, containers, IPs, logs, runc state. */
  readonly root: string;
  /** The node's image store (src/images `Images`). */
  readonly images: ImageSource;
  /** Host bridge of the pod network; default `berth0`. */
  readonly bridge?: string;
  /** Program paths; default: looked up in PATH (catatonit also in /usr/libexec/podman). */
  readonly tools?: Partial<Tools>;
  /** Cgroup holding all pods (like the kubelet's --cgroup-root); default `berth`. */
  readonly cgroupParent?: string;
  /** Liveness sweep for watchEvents; default 2000 ms. */
  readonly sweepIntervalMs?: number;
}

const newId = () => randomBytes(16).toString('hex');

export class LinuxRuntime implements Runtime {
  readonly type = 'runc';
  private ctx: RuntimeContext | undefined;
  private loaded: Promise<RuntimeContext> | undefined;
  private readonly hub: EventHub;
  private watcher: FSWatcher | undefined;
  private readonly lookups = new Map<string, CredentialLookup>();

  constructor(private readonly opts: LinuxRuntimeOptions) {
    this.hub = new EventHub(opts.sweepIntervalMs);
  }

  /** The shared context (loads the state on first use). Also used by the stream helpers. */
  context(): Promise<RuntimeContext> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  async version(): Promise<RuntimeVersion> {
    const ctx = await this.context();
    const r = await run(ctx.tools.runc, ['--version']);
    const m = /runc version (\S+)/.exec(r.stdout);
    return { runtimeName: 'runc', runtimeVersion: m?.[1] ?? 'unknown' };
  }

  async updateRuntimeConfig(config: { readonly podCIDR?: string }): Promise<void> {
    const ctx = await this.context();
    if (!config.podCIDR) return;
    const cidr = parseCidr(config.podCIDR);
    await ensureBridge(ctx.bridge, cidr);
    ctx.ipam.configure(cidr);
  }

  async runPodSandbox(config: SandboxConfig): Promise<string> {
    const ctx = await this.context();
    for (const s of ctx.sandboxes.values()) if (s.podUid === config.podUid && s.attempt === config.attempt) return s.id;
    if (!config.hostNetwork && !ctx.ipam.configured) throw new RuntimeError('no pod CIDR configured: call updateRuntimeConfig first');
    const rec: SandboxRecord = {
      id: newId(), podUid: config.podUid, podName: config.podName, podNamespace: config.podNamespace, attempt: config.attempt,
      hostNetwork: config.hostNetwork, sharePid: config.shareProcessNamespace === true, state: 'creating', createdAt: Date.now(),
      ips: [], cgroupDirs: [], labels: { ...config.labels }, hostname: config.hostNetwork ? hostname() : config.hostname,
      logDir: join(ctx.layout.logs, `${config.podNamespace}_${config.podName}_${config.podUid}`),
    };
    ctx.sandboxes.set(rec.id, rec);
    try {
      await sbx.startSandbox(ctx, rec, config);
    } catch (e) {
      ctx.sandboxes.delete(rec.id);
      throw e;
    }
    return rec.id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const ctx = await this.context();
    const rec = ctx.sandboxes.get(id);
    if (!rec) return;
    // Without a shared PID namespace the containers outlive the pause: kill them first.
    for (const c of ctx.containers.values()) if (c.sandboxId === id && c.state !== 'exited') await ctr.stopContainer(ctx, c, 0);
    await sbx.stopSandbox(ctx, rec);
  }

  async removePodSandbox(id: string): Promise<void> {
    const ctx = await this.context();
    const rec = ctx.sandboxes.get(id);
    if (!rec) return;
    await this.stopPodSandbox(id);
    // Containers started by an agent that ran in another cgroup have their pod directory elsewhere: remove those too.
    const podDirs = new Set(rec.cgroupDirs);
    for (const c of [...ctx.containers.values()]) {
      if (c.sandboxId !== id) continue;
      for (const d of parentsOf(c.cgroupDirs)) podDirs.add(d);
      await this.removeContainer(c.id);
    }
    const siblings = [...ctx.sandboxes.values()].some((s) => s.id !== id && s.podUid === rec.podUid);
    const logDir = siblings ? join(ctx.layout.root, 'nonexistent') : rec.logDir; // a newer sandbox of the pod still writes there
    await sbx.removeSandboxFiles(ctx, { ...rec, cgroupDirs: [...podDirs], logDir });
    ctx.sandboxes.delete(id);
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<SandboxStatus[]> {
    const ctx = await this.context();
    const out: SandboxStatus[] = [];
    for (const s of ctx.sandboxes.values()) {
      if ((filter.podUid && s.podUid !== filter.podUid) || (filter.podName && s.podName !== filter.podName)) continue;
      if (filter.podNamespace !== undefined && s.podNamespace !== filter.podNamespace) continue;
      const ready = s.state === 'ready' && (await isAlive(s.pause));
      out.push({
        id: s.id, podUid: s.podUid, podName: s.podName, podNamespace: s.podNamespace, attempt: s.attempt,
        state: ready ? 'ready' : 'notready', createdAt: new Date(s.createdAt), ips: ready ? [...s.ips] : [],
      });
    }
    return out;
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const ctx = await this.context();
    const sb = ctx.sandboxes.get(sandboxId);
    if (!sb) throw new RuntimeError(`sandbox ${sandboxId} not found`, 'CreateContainerError');
    for (const c of ctx.containers.values()) {
      if (c.sandboxId === sandboxId && c.name === config.name && c.attempt === config.attempt) return c.id;
    }
    if (sb.state !== 'ready' || !(await isAlive(sb.pause))) throw new RuntimeError(`sandbox ${sandboxId} is not ready`, 'CreateContainerError');
    const rec: ContainerRecord = {
      id: newId(), sandboxId, podUid: sb.podUid, name: config.name, attempt: config.attempt,
      image: normalizeImage(config.image), imageRef: config.imageRef, state: 'created', createdAt: Date.now(),
      logPath: join(sb.logDir, config.name, `${config.attempt}.log`), cgroupDirs: [], tty: config.tty,
      ...(config.stdin ? { stdin: true, stdinOnce: config.stdinOnce === true } : {}),
    };
    await ctr.createContainer(ctx, sb, rec, config);
    ctx.containers.set(rec.id, rec);
    return rec.id;
  }

  async startContainer(id: string): Promise<void> {
    const ctx = await this.context();
    const rec = ctx.containers.get(id);
    if (!rec) throw new RuntimeError(`container ${id} not found`, 'RunContainerError');
    if (rec.state === 'created') await ctr.startContainer(ctx, rec);
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const ctx = await this.context();
    const rec = ctx.containers.get(id);
    if (rec) await ctr.stopContainer(ctx, rec, timeoutSeconds);
  }

  async removeContainer(id: string): Promise<void> {
    const ctx = await this.context();
    const rec = ctx.containers.get(id);
    if (!rec) return;
    await ctr.removeContainer(ctx, rec);
    ctx.containers.delete(id);
  }

  async listContainers(filter: { readonly podUid?: string; readonly sandboxId?: string } = {}): Promise<ContainerStatus[]> {
    const ctx = await this.context();
    const out: ContainerStatus[] = [];
    for (const c of ctx.containers.values()) {
      if ((filter.podUid && c.podUid !== filter.podUid) || (filter.sandboxId && c.sandboxId !== filter.sandboxId)) continue;
      await ctr.refreshContainer(ctx, c);
      const date = (t: number | undefined) => (t === undefined ? undefined : new Date(t));
      out.push({
        id: c.id, sandboxId: c.sandboxId, podUid: c.podUid, name: c.name, attempt: c.attempt, image: c.image, imageRef: c.imageRef,
        state: c.state, createdAt: new Date(c.createdAt), startedAt: date(c.startedAt), finishedAt: date(c.finishedAt),
        exitCode: c.exitCode, reason: c.reason, message: c.message,
      });
    }
    return out;
  }

  async imageStatus(image: string): Promise<ImageStatus | undefined> {
    const s = await (await this.context()).images.status(image);
    return s && { ref: s.ref, name: s.name, sizeBytes: s.sizeBytes };
  }

  async pullImage(image: string, signal?: AbortSignal, auth?: RegistryAuth): Promise<ImageStatus> {
    const ctx = await this.context();
    await ctx.images.pull(image, { signal, credentials: auth && this.credentialFor(image, auth) });
    const s = await ctx.images.status(image);
    if (!s) throw new RuntimeError(`image ${image} is not present after pulling it`, 'ErrImagePull');
    return { ref: s.ref, name: s.name, sizeBytes: s.sizeBytes };
  }

  /**
   * As CRI's AuthConfig, the credential goes to the image's own registry, never to a mirror.
   * One lookup per (registry, credential), so pulls with the same secret share a download.
   */
  private credentialFor(image: string, auth: RegistryAuth): CredentialLookup {
    const registry = parseReference(image).domain;
    const key = JSON.stringify([registry, auth.username, auth.password, auth.identityToken, auth.registryToken]);
    let lookup = this.lookups.get(key);
    if (!lookup) {
      lookup = credentialFor(registry, { ...auth });
      this.lookups.set(key, lookup);
      if (this.lookups.size > 256) this.lookups.delete(this.lookups.keys().next().value as string);
    }
    return lookup;
  }

  async listImages(): Promise<RuntimeImage[]> {
    const ctx = await this.context();
    const byId = new Map<string, { id: string; repoTags: string[]; repoDigests: string[]; sizeBytes: number }>();
    for (const i of (await ctx.images.list?.()) ?? []) {
      const e = byId.get(i.id) ?? { id: i.id, repoTags: [], repoDigests: [], sizeBytes: i.size };
      if (i.name) {
        if (!i.ref.includes('@')) e.repoTags.push(i.ref);
        const digest = `${i.name}@${i.digest}`;
        if (!e.repoDigests.includes(digest)) e.repoDigests.push(digest);
      }
      byId.set(i.id, e);
    }
    return [...byId.values()];
  }

  /**
   * Drops every name of the image, then the data no other image and no container needs. Blobs
   * younger than a minute stay (a pull in another process may be writing them; gc takes them later).
   */
  async removeImage(id: string): Promise<void> {
    const ctx = await this.context();
    if (!ctx.images.remove) throw new RuntimeError('this image source cannot remove images');
    const names = new Set([id, ...((await this.listImages()).find((i) => i.id === id)?.repoDigests ?? [])]);
    const users = [...ctx.containers.values()].filter((c) => names.has(c.imageRef));
    if (users.length) throw new RuntimeError(`image ${id} is used by container ${users[0]!.id}`);
    await ctx.images.remove(id).catch((e: Error & { kind?: string }) => { if (e.kind !== 'NotPresent') throw e; });
    await ctx.images.gc?.({ inUse: [...ctx.containers.values()].map((c) => c.imageRef), gracePeriodMs: 60_000 });
  }

  async imageFsInfo(): Promise<ImageFsInfo> {
    const ctx = await this.context();
    if (!ctx.images.fsInfo) throw new RuntimeError('this image source does not report its filesystem');
    return ctx.images.fsInfo();
  }

  /** CRI ExecSync (the node agent's exec probes): `runc exec` with the output in memory and a deadline. */
  execSync(containerId: string, command: readonly string[], timeoutMs: number): Promise<ExecSyncResult> {
    return execSync(this, containerId, command, timeoutMs);
  }

  async podDiskUsage(podUid: string): Promise<PodDiskUsage> { return podDiskUsage(await this.context(), podUid); }

  watchEvents(signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    return this.hub.subscribe(signal, () => this.startWatching(), () => this.sweep());
  }

  /** Stops the exit watcher; running pods are left running. */
  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.hub.close();
  }

  private async startWatching(): Promise<void> {
    const ctx = await this.context();
    if (this.watcher) return;
    this.watcher = watch(ctx.layout.exits, (_event, file) => {
      const rec = file ? ctx.containers.get(String(file)) : undefined;
      if (rec) void ctr.refreshContainer(ctx, rec).then((changed) => { if (changed) this.hub.emit({ podUid: rec.podUid }); });
    });
    // Watching for exits must never keep a process alive on its own.
    this.watcher.unref();
  }

  /** What inotify cannot tell: pauses that died, containers whose conmon was killed. */
  private async sweep(): Promise<RuntimeEvent[]> {
    const ctx = await this.context();
    const out: RuntimeEvent[] = [];
    for (const c of ctx.containers.values()) if (await ctr.refreshContainer(ctx, c)) out.push({ podUid: c.podUid });
    for (const s of ctx.sandboxes.values()) {
      if (s.state === 'ready' && !(await isAlive(s.pause))) {
        s.state = 'notready';
        await sbx.saveSandbox(ctx, s);
        out.push({ podUid: s.podUid });
      }
    }
    return out;
  }

  private async load(): Promise<RuntimeContext> {
    const layout = new Layout(this.opts.root);
    await layout.init();
    const tools: Tools = {
      runc: this.opts.tools?.runc ?? (await findProgram('runc')) ?? 'runc',
      conmon: this.opts.tools?.conmon ?? (await findProgram('conmon')) ?? 'conmon',
      catatonit: this.opts.tools?.catatonit ?? (await findProgram('catatonit')) ?? '/usr/bin/catatonit',
    };
    const ctx: RuntimeContext = {
      layout, tools, ipam: new Ipam(layout.ipam), bridge: this.opts.bridge ?? 'berth0', cgroupMode: await cgroupMode(),
      cgroupParent: this.opts.cgroupParent ?? 'berth',
      images: this.opts.images, sandboxes: new Map(), containers: new Map(), notify: (podUid) => this.hub.emit({ podUid }),
    };
    for (const s of await loadAll<SandboxRecord>(layout.sandboxes, 'sandbox.json')) {
      // A sandbox whose creation never finished is reported notready; stop/remove clean it.
      if (s.state === 'creating') s.state = 'notready';
      ctx.sandboxes.set(s.id, s);
    }
    for (const c of await loadAll<ContainerRecord>(layout.containers, 'container.json')) {
      ctx.containers.set(c.id, c);
      await ctr.refreshContainer(ctx, c);
    }
    for (const [ip, owner] of await ctx.ipam.owners()) {
      if (!ctx.sandboxes.get(owner)?.ips.includes(ip)) await ctx.ipam.release(ip, owner);
    }
    this.ctx = ctx;
    return ctx;
  }
}

export function linuxRuntime(opts: LinuxRuntimeOptions): LinuxRuntime {
  return new LinuxRuntime(opts);
}
