// Volume images: a sparse file of the volume's size holding an ext2/3/4 filesystem (e2fsprogs).
// Only blocks written take disk space, so a 1Gi volume costs a few MiB until it is used.
import { mkdir, open, rename, rm, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Quantity } from '../../core/index.js';
import { run } from '../mounts.js';

export const MIB = 1n << 20n;

/** Filesystems the image can hold: the ones mke2fs makes and resize2fs grows online. */
export const FS_TYPES = ['ext4', 'ext3', 'ext2'] as const;

/** Bytes of an image for a request, rounded up to whole MiB (upstream volumehelpers.RoundUpToMiB). */
export function imageBytes(request: Quantity): bigint {
  const bytes = request.value();
  const mib = (bytes + MIB - 1n) / MIB;
  return (mib < 1n ? 1n : mib) * MIB;
}

/** A byte count as the PV shows it (`1Gi`, `954Mi`): upstream resource.NewQuantity(bytes, BinarySI). */
export const capacityOf = (bytes: bigint): string => Quantity.of(bytes, 0, 'BinarySI').toString();

/**
 * Creates img as a sparse file of `bytes` with a fresh filesystem. No reserved blocks (`-m 0`),
 * so the volume holds what was asked for; the root directory is world-writable, as local-path
 * directories are, so a container of any user can write. Built under a temporary name and
 * renamed, so an image that exists is always complete. An existing image is left as it is.
 */
export async function createImage(img: string, bytes: bigint, fsType: string): Promise<void> {
  if (await stat(img).then(() => true, () => false)) return;
  await mkdir(dirname(img), { recursive: true });
  const tmp = `${img}.tmp`;
  try {
    const fh = await open(tmp, 'w', 0o600);
    await fh.close();
    await truncate(tmp, Number(bytes));
    await run('mke2fs', ['-t', fsType, '-F', '-q', '-m', '0', tmp]);
    await run('debugfs', ['-w', '-R', 'sif / mode 040777', tmp]);
    await rename(tmp, img);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Grows img to `bytes` (never shrinks); the filesystem inside grows later, on the node. */
export async function growImage(img: string, bytes: bigint): Promise<void> {
  const size = BigInt((await stat(img)).size);
  if (size < bytes) await truncate(img, Number(bytes));
}

/** Grows the filesystem on dev to the size of the device; online when it is mounted. */
export async function growFilesystem(dev: string): Promise<void> {
  await run('resize2fs', [dev]);
}
