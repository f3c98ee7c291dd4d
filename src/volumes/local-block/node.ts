// The node side of image volumes (kubelet's MountDevice/SetUp/TearDown/NodeExpand for a `local`
// PV whose path is an image file): attach the image to a loop device, mount it at the pod's
// volume directory, unmount and detach when the last pod lets go, and grow the filesystem after
// the image grew. Every step reads the kernel's state first, so a restarted agent re-adopts
// what is mounted instead of attaching twice.
//
// Growing a mounted ext4 (online) takes CAP_SYS_RESOURCE; a node agent without it (some VMs and
// containers drop it) grows the filesystem offline instead, before mounting it for the next pod,
// once nothing holds the device: upstream's "(re-)start a pod to finish file system resize".
import { constants } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import type { PersistentVolumeObject } from '../objects.js';
import { mount, mountAt, readMounts, run, unmount } from '../mounts.js';
import { growFilesystem } from './image.js';
import { attachLoop, detachLoop, loopBackingFile, refreshLoopCapacity } from './loop.js';

export interface VolumeImage {
  readonly img: string;
  readonly fsType: string;
}

/** The image behind a `local` PV whose path is a regular file (a directory path is not one). */
export async function volumeImageOf(pv: PersistentVolumeObject): Promise<VolumeImage | undefined> {
  const path = pv.spec?.local?.path;
  if (!path) return undefined;
  const s = await stat(path).catch(() => undefined);
  return s?.isFile() ? { img: path, fsType: pv.spec?.local?.fsType ?? 'ext4' } : undefined;
}

export interface MountedImage {
  readonly dev: string;
  /** The filesystem was grown offline to the image's size just before this mount. */
  readonly grown: boolean;
}

/** Whether something (a mount in any namespace) holds dev: an exclusive open fails then. */
async function deviceInUse(dev: string): Promise<boolean> {
  try {
    const fh = await open(dev, constants.O_RDONLY | constants.O_EXCL);
    await fh.close();
    return false;
  } catch {
    return true;
  }
}

/** Grows the unmounted filesystem on dev (resize2fs wants a freshly checked one). */
async function growOffline(dev: string): Promise<boolean> {
  if (await deviceInUse(dev)) return false;
  try {
    await run('e2fsck', ['-f', '-p', dev]);
  } catch (e) {
    // Exit status 1: errors were found and fixed; the filesystem is fine to grow.
    if ((e as { exitCode?: number }).exitCode !== 1) throw e;
  }
  await growFilesystem(dev);
  return true;
}

/**
 * Mounts the image at dir (created if missing) through its loop device; idempotent. `grow`:
 * when nothing holds the device yet, grow the filesystem to the image's size before mounting.
 */
export async function mountImage(image: VolumeImage, dir: string, mountOptions: readonly string[] = [], grow = false): Promise<MountedImage> {
  await mkdir(dir, { recursive: true });
  const there = mountAt(await readMounts(), dir);
  if (there) {
    if (await loopBackingFile(there.source) === image.img) return { dev: there.source, grown: false };
    throw new Error(`${dir} is already a mount point of ${there.source}`);
  }
  const dev = await attachLoop(image.img);
  let grown = false;
  try {
    if (grow) {
      await refreshLoopCapacity(dev);
      grown = await growOffline(dev);
    }
    await mount(dev, dir, image.fsType, mountOptions);
  } catch (e) {
    await detachIfUnused(dev).catch(() => {});
    throw e;
  }
  return { dev, grown };
}

/** Detaches dev once no mount of this namespace uses it any more. */
async function detachIfUnused(dev: string): Promise<void> {
  if ((await readMounts()).some((m) => m.source === dev)) return;
  if (await loopBackingFile(dev)) await detachLoop(dev);
}

/** Unmounts dir and detaches its loop device when no other pod mounts it; nothing mounted is success. */
export async function unmountImage(dir: string): Promise<void> {
  const there = mountAt(await readMounts(), dir);
  if (!there) return;
  await unmount(dir);
  if (await loopBackingFile(there.source)) await detachIfUnused(there.source);
}

/** Thrown when the kernel refuses an online resize for want of CAP_SYS_RESOURCE. */
export class OnlineResizeUnavailable extends Error {
  constructor(dev: string) {
    super(`online resize of ${dev} needs CAP_SYS_RESOURCE, which this node agent does not have; ` +
      'the filesystem grows when a pod mounts the volume again while no other pod uses it');
    this.name = 'OnlineResizeUnavailable';
  }
}

/** Grows the mounted filesystem on dev to the image's current size (losetup -c, then resize2fs). */
export async function expandMountedImage(dev: string): Promise<void> {
  await refreshLoopCapacity(dev);
  try {
    await growFilesystem(dev);
  } catch (e) {
    if (/Permission denied to resize filesystem/.test((e as Error).message)) throw new OnlineResizeUnavailable(dev);
    throw e;
  }
}
