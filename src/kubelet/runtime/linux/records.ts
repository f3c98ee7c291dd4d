// Contract: the linux runtime's memory on disk, under <data-dir>/runtime (the `root`). Every
// record is one JSON file written atomically (temp file + rename), so a crash leaves either
// the old or the new record, never half of one. Layout (all paths derive from here):
//   sandboxes/<id>/sandbox.json   etc/{hosts,hostname,resolv.conf}   bundle/config.json
//   containers/<id>/container.json   bundle/config.json   upper/ work/ rootfs/   persist/ (conmon)
//   exits/<id>        exit code files written by conmon when a container ends
//   runc/             runc's own state (--root)        sock/<id> → the bundle, where conmon keeps `attach`
//   ipam/<ip>         one file per allocated pod IP, holding the sandbox id
//   logs/<ns>_<pod>_<uid>/<container>/<attempt>.log   CRI-format logs, one per container attempt
//   pause/rootfs/     the pause image: catatonit alone
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProcRef } from './procs.js';

export interface SandboxRecord {
  id: string; podUid: string; podName: string; podNamespace: string; attempt: number;
  hostNetwork: boolean; sharePid: boolean; hostname?: string;
  /** creating → ready → notready; a record left `creating` by a crash is reported notready. */
  state: 'creating' | 'ready' | 'notready';
  createdAt: number;
  pause?: ProcRef;
  ips: string[];
  veth?: string;
  /** Absolute cgroup directories of the pod (one per v1 hierarchy), removed with the sandbox. */
  cgroupDirs: string[];
  logDir: string;
  labels: Record<string, string>;
}

export interface ContainerRecord {
  id: string; sandboxId: string; podUid: string; name: string; attempt: number;
  image: string; imageRef: string;
  state: 'created' | 'running' | 'exited';
  createdAt: number; startedAt?: number; finishedAt?: number;
  exitCode?: number; reason?: string; message?: string;
  /** mount(8) options of the root overlay (layers, upper, work). */
  overlay?: string;
  /** The container's init process (its PID in the host's PID namespace). */
  proc?: ProcRef;
  /** The conmon that supervises it (and writes exits/<id>). */
  conmon?: ProcRef;
  logPath: string;
  stopSignal?: string;
  /** Absolute cgroup directories of the container, read after start (OOM counters). */
  cgroupDirs: string[];
  tty: boolean;
  /** Keeps a stdin pipe for attach (spec `stdin`); `stdinOnce` closes it when the first attached client leaves. */
  stdin?: boolean;
  stdinOnce?: boolean;
}

export class Layout {
  constructor(readonly root: string) {}
  get sandboxes(): string { return join(this.root, 'sandboxes'); }
  get containers(): string { return join(this.root, 'containers'); }
  get exits(): string { return join(this.root, 'exits'); }
  get runcRoot(): string { return join(this.root, 'runc'); }
  get sockets(): string { return join(this.root, 'sock'); }
  get ipam(): string { return join(this.root, 'ipam'); }
  get logs(): string { return join(this.root, 'logs'); }
  get pauseRootfs(): string { return join(this.root, 'pause', 'rootfs'); }
  sandboxDir(id: string): string { return join(this.sandboxes, id); }
  containerDir(id: string): string { return join(this.containers, id); }
  exitFile(id: string): string { return join(this.exits, id); }

  async init(): Promise<void> {
    for (const d of [this.sandboxes, this.containers, this.exits, this.runcRoot, this.sockets, this.ipam, this.logs, this.pauseRootfs]) {
      await mkdir(d, { recursive: true, mode: 0o700 });
    }
  }
}

let tmpSeq = 0;

/**
 * Atomic write. Concurrent writers of one record each use their own temp file; a record whose
 * directory is gone (removed meanwhile) is not written: removal wins over a late update.
 */
export async function writeJson(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${tmpSeq++}`;
  try {
    await writeFile(tmp, JSON.stringify(value, null, 1));
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Every `<dir>/<id>/<file>` record; unreadable or missing ones are skipped (a crash mid-create). */
export async function loadAll<T>(dir: string, file: string): Promise<T[]> {
  let ids: string[] = [];
  try { ids = await readdir(dir); } catch { return []; }
  const out: T[] = [];
  for (const id of ids) {
    const rec = await readJson<T>(join(dir, id, file));
    if (rec) out.push(rec);
  }
  return out;
}

export async function removeTree(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true, maxRetries: 3 });
}
