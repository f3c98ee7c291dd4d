// Contract: which cgroup layout the node has, where a process's cgroups are, OOM kills in them,
// and removing the pod-level directories runc leaves behind. runc itself creates and removes
// the per-container cgroups (linux.cgroupsPath) and applies linux.resources.
//
// cgroupsPath choice: on v1 and hybrid hosts a RELATIVE path (`<parent>/<sandbox>/<container>`,
// parent `berth` unless configured),
// which runc nests under its caller's cgroup in each hierarchy, so pods stay inside whatever
// the agent itself is confined to (here: the agent's memory cgroup). On a pure v2 host a
// relative path would put children under a cgroup that holds processes (the agent), which v2
// forbids for domain controllers, so an absolute `/berth/...` is used there. Because the
// caller's cgroup may differ between agent runs, the actual directories are read from
// /proc/<pid>/cgroup once a process runs and recorded, never recomputed.
import { readFile, rmdir } from 'node:fs/promises';
import { sleep } from './procs.js';

export type CgroupMode = 'v1' | 'hybrid' | 'v2' | 'none';

interface CgMount { readonly root: string; readonly point: string; readonly v2: boolean; readonly opts: readonly string[] }

async function cgroupMounts(): Promise<CgMount[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const out: CgMount[] = [];
  for (const line of text.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const [fstype, , superOpts] = post.split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const f = pre.split(' ');
    out.push({ root: f[3]!, point: f[4]!.replace(/\\040/g, ' '), v2: fstype === 'cgroup2', opts: (superOpts ?? '').split(',') });
  }
  return out;
}

export async function cgroupMode(): Promise<CgroupMode> {
  const mounts = await cgroupMounts();
  const v1 = mounts.some((m) => !m.v2);
  const v2 = mounts.some((m) => m.v2);
  return v1 && v2 ? 'hybrid' : v1 ? 'v1' : v2 ? 'v2' : 'none';
}

/** Whether a swap limit may be set: v1 needs the memsw files (swapaccount), v2 always has memory.swap.max. */
export async function swapAccounting(mode: CgroupMode): Promise<boolean> {
  if (mode === 'v2') return true;
  const mounts = await cgroupMounts();
  const mem = mounts.find((m) => !m.v2 && m.opts.includes('memory'));
  return mem ? (await readFile(`${mem.point}/memory.memsw.limit_in_bytes`, 'utf8').then(() => true, () => false)) : false;
}

/** The runc cgroupsPath for a container (or the pause) of a sandbox; see the contract above. */
export function cgroupsPathFor(mode: CgroupMode, parent: string, sandboxId: string, name: string): string {
  const rel = `${parent}/${sandboxId.slice(0, 16)}/${name}`;
  return mode === 'v2' ? `/${rel}` : rel;
}

/** Absolute directories of every cgroup `pid` is in (one per hierarchy); empty when it is gone. */
export async function cgroupDirsOf(pid: number): Promise<string[]> {
  const text = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
  const mounts = await cgroupMounts();
  const dirs: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const controllers = m[1] ? m[1].split(',') : [];
    const path = m[2]!;
    const mount = controllers.length === 0
      ? mounts.find((x) => x.v2)
      : mounts.find((x) => !x.v2 && controllers.every((c) => x.opts.includes(c)));
    if (!mount || !path.startsWith(mount.root)) continue;
    const rest = mount.root === '/' ? path : path.slice(mount.root.length);
    dirs.push(`${mount.point}${rest === '/' ? '' : rest}`);
  }
  return dirs;
}

/** OOM kills counted in any of the directories (v1 memory.oom_control, v2 memory.events). */
export async function oomKills(dirs: readonly string[]): Promise<number> {
  let total = 0;
  for (const d of dirs) {
    for (const f of ['memory.oom_control', 'memory.events']) {
      const text = await readFile(`${d}/${f}`, 'utf8').catch(() => '');
      const m = /^oom_kill (\d+)$/m.exec(text);
      if (m) total += Number(m[1]);
    }
  }
  return total;
}

/** The parents (pod level) of the given container cgroup directories. */
export function parentsOf(dirs: readonly string[]): string[] {
  return [...new Set(dirs.map((d) => d.slice(0, d.lastIndexOf('/'))))];
}

/**
 * rmdir's each directory, deepest first; a directory still busy (a process that is dying) is
 * retried for about a second. Missing directories are fine. Returns those that could not go.
 */
export async function removeCgroupDirs(dirs: readonly string[]): Promise<string[]> {
  const order = [...new Set(dirs)].sort((a, b) => b.split('/').length - a.split('/').length);
  const left: string[] = [];
  for (const d of order) {
    let done = false;
    for (let i = 0; i < 50 && !done; i++) {
      try {
        await rmdir(d);
        done = true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') done = true;
        else if (code === 'EBUSY' || code === 'ENOTEMPTY') await sleep(20);
        else break;
      }
    }
    if (!done) left.push(d);
  }
  return left;
}
