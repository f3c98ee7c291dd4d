// The node side of `rbd` volumes (Ceph block images), as upstream's in-tree kubernetes.io/rbd
// plugin did it (pkg/volume/rbd) through the rbd CLI of Debian's ceph-common:
// - attach: `rbd map <pool>/<image> --id <user> -m <mon1,mon2,...>` with `--key=<secret>` when
//   the volume names a Secret, else `-k <keyring>`; the CLI prints the device (/dev/rbdN) and
//   loads the kernel module itself. An image this node has mapped already (`rbd showmapped`: for
//   another pod, or by an agent before a restart) is used as it is, never mapped twice;
// - mount: mount-utils' SafeFormatAndMount: blkid decides; only a device with neither a
//   filesystem nor a partition table is formatted (`mkfs.<fsType>`, never when read-only), a
//   formatted one gets `fsck -a` before a read-write mount;
// - teardown: unmount, and `rbd unmap` once nothing mounts the device any more.
// Beside each mount point a record names its pool, image and device (upstream persisted rbd.json
// for the same reason), so a teardown after a restart, or retried after a failed unmap, still
// finds the mapping to undo; it unmaps only a device that still maps that image.
//
// The CLI talks to the Ceph monitors; nothing here does. Its arguments (the key) never reach an
// error message or a log.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mount, mountAt, readMounts, run, unmount } from './mounts.js';

/** What mounting one rbd volume needs, from a pod's `rbd` volume or a PV's `spec.rbd`. */
export interface RbdVolume {
  readonly monitors: readonly string[];
  readonly pool: string;
  readonly image: string;
  /** The rados user (`--id`). */
  readonly user: string;
  readonly keyring: string;
  /** The key from `secretRef`; when set, it is used instead of the keyring. */
  readonly secret?: string;
  readonly fsType: string;
  readonly readOnly: boolean;
  readonly mountOptions?: readonly string[];
}

/** One mapping as `rbd showmapped --format json` lists it. */
export interface RbdMapping {
  readonly pool: string;
  readonly namespace: string;
  readonly name: string;
  readonly snap: string;
  readonly device: string;
}

/** The record kept beside a mount point. */
interface RbdRecord {
  readonly pool: string;
  readonly image: string;
  readonly device: string;
}

/** Upstream's defaults (API defaulting fills them too; a PV written before that may lack them). */
export const RBD_DEFAULTS = { pool: 'rbd', user: 'admin', keyring: '/etc/ceph/keyring', fsType: 'ext4' } as const;

/** Arguments of `rbd map` (upstream execRbdMap): monitors comma-joined, libceph picks one itself. */
export function rbdMapArgs(v: RbdVolume): string[] {
  const auth = v.secret ? [`--key=${v.secret}`] : ['-k', v.keyring];
  return ['map', `${v.pool}/${v.image}`, '--id', v.user, '-m', v.monitors.join(','), ...auth];
}

/**
 * Parses `rbd showmapped --format json`: an array of mappings (Ceph 13 and later) or, from older
 * CLIs, an object keyed by device id.
 */
export function parseShowMapped(text: string): RbdMapping[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const parsed = JSON.parse(trimmed) as unknown;
  const entries = Array.isArray(parsed) ? parsed : Object.values((parsed ?? {}) as Record<string, unknown>);
  return entries.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object').map((e) => ({
    pool: String(e.pool ?? ''), namespace: String(e.namespace ?? ''), name: String(e.name ?? ''),
    snap: String(e.snap ?? '-'), device: String(e.device ?? ''),
  }));
}

/**
 * The filesystem on a device from `blkid -p -s TYPE -s PTTYPE -o export` output (mount-utils
 * GetDiskFormat): '' when blank; a partition table without a filesystem is not blank.
 */
export function parseBlkid(out: string): string {
  let type = '', ptType = '';
  for (const line of out.split('\n')) {
    const [k, v] = [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()];
    if (k === 'TYPE') type = v;
    else if (k === 'PTTYPE') ptType = v;
  }
  if (ptType && !type) return 'unknown data, probably partitions';
  return type;
}

/** A failed run of the rbd CLI: the exit status and its output, never its arguments. */
export class RbdCommandError extends Error {
  constructor(what: string, readonly exitCode: number | undefined, readonly output: string) {
    super(`${what} ${exitCode === undefined ? '' : `exit status ${exitCode}, `}rbd output: ${output}`);
    this.name = 'RbdCommandError';
  }
}

/** Runs the rbd CLI; stdout on success. A missing program is upstream's "rbd cmd not found". */
function rbd(cmd: string, args: readonly string[], what: string): Promise<string> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (!err) return res(stdout);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return rej(new Error('rbd: rbd cmd not found'));
      const output = `${stderr}${stdout}`.trim().split('\n').filter(Boolean).join('; ');
      rej(new RbdCommandError(what, typeof err.code === 'number' ? err.code : undefined, output));
    });
  });
}

export async function showMapped(cmd: string): Promise<RbdMapping[]> {
  return parseShowMapped(await rbd(cmd, ['showmapped', '--format', 'json'], 'rbd: showmapped failed'));
}

/** The device this node has pool/image mapped on (the image itself, not a snapshot), if any. */
export async function mappedDevice(cmd: string, pool: string, image: string): Promise<string | undefined> {
  const m = (await showMapped(cmd)).find((x) => x.pool === pool && x.name === image && !x.namespace && (x.snap === '-' || x.snap === ''));
  return m?.device;
}

const locks = new Map<string, Promise<unknown>>();

/** Runs fn after every earlier call for the same key: one image is never mapped or unmapped twice at once. */
function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const p = (locks.get(key) ?? Promise.resolve()).then(fn);
  const tail = p.catch(() => undefined);
  locks.set(key, tail);
  void tail.then(() => { if (locks.get(key) === tail) locks.delete(key); });
  return p;
}

const RECORD_SUFFIX = '.rbd.json';
const recordOf = (dir: string) => `${dir}${RECORD_SUFFIX}`;

async function readRecord(dir: string): Promise<RbdRecord | undefined> {
  try {
    const r = JSON.parse(await readFile(recordOf(dir), 'utf8')) as RbdRecord;
    return r.pool && r.image && r.device ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Maps the image, or finds the mapping this node has already. */
async function attach(cmd: string, v: RbdVolume): Promise<string> {
  const known = await mappedDevice(cmd, v.pool, v.image);
  if (known) return known;
  const out = await rbd(cmd, rbdMapArgs(v), 'rbd: map failed');
  const dev = out.trim().split('\n').at(-1)?.trim();
  if (dev?.startsWith('/dev/')) return dev;
  // Older CLIs print nothing; the mapping says where the device is.
  const found = await mappedDevice(cmd, v.pool, v.image);
  if (!found) throw new Error(`Could not map image ${v.pool}/${v.image}: rbd map printed no device and showmapped does not list it`);
  return found;
}

/** Filesystem on dev ('' = blank); blkid exits 2 when it finds nothing. */
async function diskFormat(dev: string): Promise<string> {
  try {
    return parseBlkid(await run('blkid', ['-p', '-s', 'TYPE', '-s', 'PTTYPE', '-o', 'export', dev]));
  } catch (e) {
    if ((e as { exitCode?: number }).exitCode === 2) return '';
    throw new Error(`failed to get disk format of disk ${dev}: ${(e as Error).message}`);
  }
}

/** fsck before a read-write mount, as mount-utils does for ext filesystems: exit 1 (errors fixed) is fine, 4 is not. */
async function checkFilesystem(dev: string, fsType: string): Promise<void> {
  if (!/^ext[234]$/.test(fsType)) return;
  try {
    await run('fsck', ['-a', dev]);
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    if (code === 4) throw new Error(`'fsck' found errors on device ${dev} but could not correct them: ${(e as Error).message}`);
    // Other statuses (1: corrected, 8: fsck itself failed) do not stop the mount, as upstream.
  }
}

/** SafeFormatAndMount: format only a blank device, check a formatted one, then mount. `check`: nothing else has it mounted. */
async function formatAndMount(dev: string, dir: string, fsType: string, options: readonly string[], check: boolean): Promise<void> {
  const readOnly = options.includes('ro');
  const existing = await diskFormat(dev);
  if (!existing) {
    if (readOnly) throw new Error(`cannot mount unformatted disk ${dev} as we are manipulating it in read-only mode`);
    const args = fsType === 'ext4' || fsType === 'ext3' ? ['-F', '-m0', dev] : fsType === 'xfs' ? ['-f', dev] : [dev];
    try {
      await run(`mkfs.${fsType}`, args);
    } catch (e) {
      throw new Error(`format of disk "${dev}" failed: type:("${fsType}") target:("${dir}") options:("${options.join(',')}") ${(e as Error).message}`);
    }
  } else if (!readOnly && check) {
    await checkFilesystem(dev, existing);
  }
  await mount(dev, dir, fsType, options);
}

/** Unmaps dev when no mount of this namespace uses it and it still maps the recorded image. */
async function detachIfUnused(cmd: string, rec: RbdRecord): Promise<void> {
  if ((await readMounts()).some((m) => m.source === rec.device)) return;
  // A device number is reused by the next map: never unmap another image's device.
  if (await mappedDevice(cmd, rec.pool, rec.image) !== rec.device) return;
  await rbd(cmd, ['unmap', rec.device], `rbd: failed to unmap device ${rec.device}, error`);
}

/**
 * Mounts the rbd volume at dir (created if missing); idempotent: a dir that is a mount point
 * already (this pod's, made before an agent restart) is kept. Returns the device.
 */
export async function mountRbd(cmd: string, v: RbdVolume, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const there = mountAt(await readMounts(), dir);
  if (there) return there.source;
  const fsType = v.fsType || RBD_DEFAULTS.fsType;
  const options = [...(v.mountOptions ?? []), ...(v.readOnly ? ['ro'] : [])];
  return serialized(`${v.pool}/${v.image}`, async () => {
    const dev = await attach(cmd, v);
    const record: RbdRecord = { pool: v.pool, image: v.image, device: dev };
    // Written before the mount: a teardown must find the mapping even if the mount fails half-way.
    await writeFile(recordOf(dir), `${JSON.stringify(record)}\n`, { mode: 0o600 });
    try {
      const inUse = (await readMounts()).some((m) => m.source === dev);
      await formatAndMount(dev, dir, fsType, options, !inUse);
    } catch (e) {
      await detachIfUnused(cmd, record).then(() => rm(recordOf(dir), { force: true })).catch(() => undefined);
      throw e;
    }
    return dev;
  });
}

/** The rbd volume directories under parent that have a record, i.e. may have a mapping to undo. */
export async function recordedRbdDirs(parent: string): Promise<string[]> {
  const names = await readdir(parent).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(RECORD_SUFFIX)).map((n) => join(parent, n.slice(0, -RECORD_SUFFIX.length)));
}

/**
 * Undoes mountRbd: unmounts dir and unmaps its device once nothing else mounts it. Safe on a dir
 * that was never set up; after a failed unmap, calling it again finishes the job.
 */
export async function unmountRbd(cmd: string, dir: string): Promise<void> {
  const rec = await readRecord(dir);
  const there = mountAt(await readMounts(), dir);
  if (!rec) {
    if (there) await unmount(dir);
    return;
  }
  await serialized(`${rec.pool}/${rec.image}`, async () => {
    if (mountAt(await readMounts(), dir)) await unmount(dir);
    await detachIfUnused(cmd, rec);
    await rm(recordOf(dir), { force: true });
  });
}
