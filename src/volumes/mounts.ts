// Host mounts as the node sees them (/proc/self/mountinfo) and the few mount(8) calls volume
// plugins make. Mount state is read back from the kernel rather than remembered, so a restarted
// agent finds what an earlier one mounted.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export interface MountEntry {
  /** Mount ID and the ID of the mount it sits on (the parent). */
  readonly id: number;
  readonly parentId: number;
  readonly majorMinor: string;
  /** The directory of the filesystem mounted here (not `/` for a bind mount of a subdirectory). */
  readonly root: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
  /** Per-mount options (rw, nosuid, ...). */
  readonly options: string;
  /** Per-superblock options (size=..., for tmpfs). */
  readonly superOptions: string;
  /** Propagation tags: `shared:N` (peer group N), `master:N` (a slave of N), `propagate_from:N`, `unbindable`. */
  readonly propagation: readonly string[];
}

/** mountinfo escapes space, tab, newline and backslash as octal (`\040`). */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Parses proc(5) mountinfo: `id parent maj:min root mountpoint opts [optional...] - fstype source superopts`. */
export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (f.length < 10 || sep < 0) continue;
    out.push({
      id: Number(f[0]), parentId: Number(f[1]), majorMinor: f[2]!, root: unescape(f[3]!), mountPoint: unescape(f[4]!), options: f[5]!,
      fsType: f[sep + 1]!, source: unescape(f[sep + 2]!), superOptions: f[sep + 3] ?? '', propagation: f.slice(6, sep),
    });
  }
  return out;
}

export async function readMounts(): Promise<MountEntry[]> {
  return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** Mounts at dir or below it, deepest first (the order they can be unmounted in). */
export function mountsUnder(mounts: readonly MountEntry[], dir: string): MountEntry[] {
  const base = resolve(dir);
  return mounts.filter((m) => m.mountPoint === base || m.mountPoint.startsWith(`${base}/`))
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length);
}

/** The topmost mount at exactly dir, if dir is a mount point. */
export function mountAt(mounts: readonly MountEntry[], dir: string): MountEntry | undefined {
  const base = resolve(dir);
  let top: MountEntry | undefined;
  for (const m of mounts) if (m.mountPoint === base) top = m;
  return top;
}

/** The mount dir lives on: the deepest mount point containing it, the topmost of a stack. */
export function mountOf(mounts: readonly MountEntry[], dir: string): MountEntry | undefined {
  const base = resolve(dir);
  let best: MountEntry | undefined;
  for (const m of mounts) {
    const contains = m.mountPoint === base || m.mountPoint === '/' || base.startsWith(`${m.mountPoint}/`);
    if (contains && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

/** Whether mounts and unmounts below m reach its peers and slaves (upstream's isShared). */
export const isShared = (m: MountEntry): boolean => m.propagation.some((t) => t.startsWith('shared:'));

/** Runs a tool; a failure carries its stderr (what went wrong) and `exitCode`. */
export function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (!err) return res(stdout);
      const why = (stderr || err.message).trim().split('\n').filter(Boolean).join('; ');
      rej(Object.assign(new Error(`${cmd} ${args.join(' ')}: ${why}`), { exitCode: typeof err.code === 'number' ? err.code : undefined }));
    });
  });
}

export async function mount(source: string, target: string, type: string, options: readonly string[] = []): Promise<void> {
  await run('mount', ['-t', type, ...(options.length ? ['-o', options.join(',')] : []), source, target]);
}

export async function unmount(target: string): Promise<void> {
  await run('umount', [target]);
}
