// Mount propagation for the node's pods directory, and the sweep that removes every mount a node
// left under its data directory.
//
// Each container's mount namespace starts as a copy of the host's. A volume mounted on the host
// before the copy is made stays in the copy unless the host's unmount propagates into it: the
// mount the volume lives on must be shared, and the copy a slave of it (the runtime makes it
// so). Otherwise the copy pins the volume (a loop device cannot be freed) for the container's
// whole life, or until its mount point directory is removed (Linux >= 3.18 then drops copies in
// other namespaces; tearDown removes it only after unmounting and detaching). Upstream's kubelet bind-mounts its root directory onto itself and makes it rshared
// when the mount it lives on is not shared (MakeRShared); the volume manager does the same for
// its pods directory, before the first mount under it (a node whose pods mount nothing keeps no
// extra mount), and unmounts that bind again once nothing is mounted under it, so test roots
// and `berth reset` find nothing left.
import { mkdir, readdir } from 'node:fs/promises';
import { relative, resolve, join } from 'node:path';
import type { Logger } from '../controller-runtime/index.js';
import { isShared, mountAt, mountOf, mountsUnder, readMounts, run, unmount, type MountEntry } from './mounts.js';
import { unmountImage } from './local-block/node.js';
import { detachLoop, loopBackingFile } from './local-block/loop.js';
import { recordedRbdDirs, unmountRbd } from './rbd.js';

/** Whether m is a bind mount of its parent's own directory at the same place (`mount --bind D D`). */
export function isSelfBind(mounts: readonly MountEntry[], m: MountEntry): boolean {
  const parent = mounts.find((p) => p.id === m.parentId);
  if (!parent || parent.majorMinor !== m.majorMinor || parent.id === m.id) return false;
  return resolve(parent.root, relative(parent.mountPoint, m.mountPoint)) === m.root;
}

type SharedState = 'shared' | 'made' | 'adopted' | 'deferred';

/**
 * One directory kept on a shared mount while something is mounted under it. withShared runs a
 * mount under dir with dir shared; releaseIfUnused unmounts the self bind (this agent's, or an
 * earlier one's found after a restart) once nothing is mounted under dir. Both are serialized,
 * so a release never removes the bind under a mount being made.
 */
export class SharedRoot {
  readonly dir: string;
  private users = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** Known to be on a shared mount (cached until this releases its bind). */
  private shared = false;
  private warned = false;

  constructor(dir: string, private readonly logger?: Logger) {
    this.dir = resolve(dir);
  }

  /**
   * Runs fn (which mounts something under dir) with dir on a shared mount. Where that cannot be
   * had (no CAP_SYS_ADMIN, say) fn runs anyway: its mount then merely lacks propagation, as before.
   */
  async withShared<T>(fn: () => Promise<T>): Promise<T> {
    this.users++;
    try {
      await this.serial(() => this.ensure()).catch((e: Error) => {
        this.logger?.error('volume manager: could not make the pods directory a shared mount; volumes mounted now may stay held by other pods', {
          dir: this.dir, error: e.message,
        });
      });
      return await fn();
    } finally {
      this.users--;
    }
  }

  /** Unmounts Berth's bind at dir when nothing is mounted under it and no mount is being made. */
  releaseIfUnused(): Promise<void> {
    return this.serial(async () => {
      if (this.users) return;
      const mounts = await readMounts();
      if (mountsUnder(mounts, this.dir).some((m) => m.mountPoint !== this.dir)) return;
      const top = mountAt(mounts, this.dir);
      // A self bind of the pods directory is Berth's (this agent's or an earlier one's); anything else is not touched.
      if (top && isSelfBind(mounts, top)) {
        await unmount(this.dir);
        this.logger?.info('volume manager: unmounted the shared bind of the pods directory (nothing is mounted under it)', { dir: this.dir });
      }
      this.shared = false; // looked at afresh next time
    });
  }

  private ensure(): Promise<SharedState> {
    if (this.shared) return Promise.resolve('shared');
    return this.makeShared();
  }

  private async makeShared(): Promise<SharedState> {
    await mkdir(this.dir, { recursive: true });
    const mounts = await readMounts();
    const top = mountAt(mounts, this.dir);
    // A bind left by an earlier agent (or one cut short before --make-rshared): re-adopted, never stacked.
    if (top && isSelfBind(mounts, top)) {
      if (!isShared(top)) await run('mount', ['--make-rshared', this.dir]);
      this.shared = true;
      return 'adopted';
    }
    const on = mountOf(mounts, this.dir);
    if (on && isShared(on)) { this.shared = true; return 'shared'; }
    // A plain bind would hide what is mounted below dir already (mounts an older agent made
    // without propagation); those keep their pods, and the bind waits until they are gone.
    const below = mountsUnder(mounts, this.dir).filter((m) => m.mountPoint !== this.dir);
    if (below.length) {
      if (!this.warned) {
        this.warned = true;
        this.logger?.error('volume manager: the pods directory is not on a shared mount and has mounts under it; volumes mounted now may stay held by other pods until those are gone', {
          dir: this.dir, mounts: below.length,
        });
      }
      return 'deferred';
    }
    await run('mount', ['--bind', this.dir, this.dir]);
    await run('mount', ['--make-rshared', this.dir]);
    this.shared = true;
    this.logger?.info('volume manager: bind-mounted the pods directory with shared mount propagation', { dir: this.dir });
    return 'made';
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }
}

const roots = new Map<string, SharedRoot>();

/** The one SharedRoot of dir in this process (volume managers of one node share it). */
export function sharedRoot(dir: string, logger?: Logger): SharedRoot {
  const key = resolve(dir);
  let r = roots.get(key);
  if (!r) roots.set(key, (r = new SharedRoot(key, logger)));
  return r;
}

/** Loop devices whose backing file lies under dir. */
async function loopsUnder(dir: string): Promise<string[]> {
  const base = `${resolve(dir)}/`;
  const out: string[] = [];
  for (const name of await readdir('/sys/block').catch(() => [])) {
    if (!/^loop\d+$/.test(name)) continue;
    const file = await loopBackingFile(join('/dev', name));
    if (file?.startsWith(base)) out.push(join('/dev', name));
  }
  return out;
}

/**
 * Unmounts everything below dir (deepest first, a stack top first; dir itself, if a mount point,
 * stays), detaches the loop devices of images under dir, and returns the mount points that could
 * not be unmounted, with why.
 */
/** rbd volume directories with a mapping record: `<dir>/pods/<uid>/volumes/rbd/<name>`. */
async function rbdVolumeDirs(dir: string): Promise<string[]> {
  const pods = join(dir, 'pods');
  const uids = await readdir(pods).catch(() => [] as string[]);
  return (await Promise.all(uids.map((uid) => recordedRbdDirs(join(pods, uid, 'volumes', 'rbd'))))).flat();
}

export async function unmountAllUnder(dir: string, opts: { rbdCommand?: string } = {}): Promise<string[]> {
  const base = resolve(dir);
  // rbd volumes first, through the CLI that mapped them: a plain unmount would leave the image mapped.
  for (const v of await rbdVolumeDirs(base)) await unmountRbd(opts.rbdCommand ?? 'rbd', v).catch(() => undefined);
  const below = async () => mountsUnder(await readMounts(), base).filter((m) => m.mountPoint !== base);
  const failed = new Map<string, string>();
  // A mount hidden under a later one at a shorter path is reachable only after that one is gone: passes until one changes nothing.
  for (let progress = true; progress;) {
    progress = false;
    failed.clear();
    for (;;) {
      const next = (await below()).find((m) => !failed.has(m.mountPoint));
      if (!next) break;
      try {
        // Also detaches the loop device of a volume once nothing else mounts it.
        await unmountImage(next.mountPoint);
        progress = true;
      } catch (e) {
        failed.set(next.mountPoint, (e as Error).message);
      }
    }
  }
  for (const dev of await loopsUnder(dir)) await detachLoop(dev).catch(() => undefined); // autoclear when still held
  return [...failed].map(([m, why]) => `${m}: ${why}`);
}
