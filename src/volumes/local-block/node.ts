// The node side of image volumes (kubelet's MountDevice/SetUp/TearDown/NodeExpand for a `local`
// PV whose path is an image file): attach the image to a loop device, mount it at the pod's
// volume directory, unmount and detach when the last pod lets go, and grow the filesystem
// online after the image grew. Every step reads the kernel's state first, so a restarted agent
// re-adopts what is mounted instead of attaching twice.
import { mkdir, stat } from 'node:fs/promises';
import type { PersistentVolumeObject } from '../objects.js';
import { mount, mountAt, readMounts, unmount } from '../mounts.js';
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

/** Mounts the image at dir (created if missing) through its loop device; idempotent. Returns the device. */
export async function mountImage(image: VolumeImage, dir: string, mountOptions: readonly string[] = []): Promise<string> {
  await mkdir(dir, { recursive: true });
  const there = mountAt(await readMounts(), dir);
  if (there) {
    if (await loopBackingFile(there.source) === image.img) return there.source;
    throw new Error(`${dir} is already a mount point of ${there.source}`);
  }
  const dev = await attachLoop(image.img);
  try {
    await mount(dev, dir, image.fsType, mountOptions);
  } catch (e) {
    await detachIfUnused(dev).catch(() => {});
    throw e;
  }
  return dev;
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

/** Grows the mounted filesystem on dev to the image's current size (losetup -c, then resize2fs). */
export async function expandMountedImage(dev: string): Promise<void> {
  await refreshLoopCapacity(dev);
  await growFilesystem(dev);
}
