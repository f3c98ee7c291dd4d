// Loop devices over volume images (losetup from util-linux). One image has at most one loop
// device: two would mean two ext4 instances over the same blocks, which corrupts the volume, so
// attach always reuses a device already associated with the image, and attaches of one image
// within this process are serialized.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { run } from '../mounts.js';

/** Loop devices (`/dev/loopN`) backed by img. */
export async function loopDevicesOf(img: string): Promise<string[]> {
  const out = await run('losetup', ['--list', '--noheadings', '--output', 'NAME', '--associated', img]);
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

const attaching = new Map<string, Promise<string>>();

/** The loop device of img, attached now if it has none. */
export function attachLoop(img: string): Promise<string> {
  const pending = attaching.get(img);
  if (pending) return pending;
  const p = (async () => {
    const [dev] = await loopDevicesOf(img);
    if (dev) return dev;
    return (await run('losetup', ['--find', '--show', img])).trim();
  })().finally(() => attaching.delete(img));
  attaching.set(img, p);
  return p;
}

/** Detaches dev; the kernel defers it (autoclear) while something still holds the device open. */
export async function detachLoop(dev: string): Promise<void> {
  await run('losetup', ['--detach', dev]);
}

/** Re-reads the size of the backing file (after the image grew). */
export async function refreshLoopCapacity(dev: string): Promise<void> {
  await run('losetup', ['--set-capacity', dev]);
}

/** The file behind a loop device, or undefined when it is not a bound loop device. */
export async function loopBackingFile(dev: string): Promise<string | undefined> {
  if (!/^loop\d+$/.test(basename(dev))) return undefined;
  const f = await readFile(`/sys/block/${basename(dev)}/loop/backing_file`, 'utf8').catch(() => undefined);
  return f?.trim().replace(/ \(deleted\)$/, '');
}
