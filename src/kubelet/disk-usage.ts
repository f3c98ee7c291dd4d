// Disk usage of a path as the kubelet measures it without filesystem quotas (upstream
// pkg/volume/util/fs DiskUsage, the `du` path): allocated blocks (st_blocks × 512, so sparse
// files count what they occupy, not their length) of every entry under the path, the path
// itself included; a file with several hard links counts once; nothing on another filesystem
// (a mount below the path) is entered. Entries that vanish during the walk are skipped, as a
// volume in use changes while it is measured. A missing path is 0 bytes.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const BLOCK = 512;

const gone = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR';

export async function diskUsage(path: string): Promise<number> {
  const top = await lstat(path, { bigint: true }).catch((e: unknown) => { if (gone(e)) return undefined; throw e; });
  if (!top) return 0;
  const linked = new Set<bigint>();
  let bytes = 0;
  const count = (st: { blocks: bigint; nlink: bigint; ino: bigint }): void => {
    if (st.nlink > 1n) {
      if (linked.has(st.ino)) return;
      linked.add(st.ino);
    }
    bytes += Number(st.blocks) * BLOCK;
  };
  count(top);
  if (!top.isDirectory()) return bytes;
  const dirs = [path];
  for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if (gone(e)) continue;
      throw e;
    }
    for (const name of names) {
      const p = join(dir, name);
      const st = await lstat(p, { bigint: true }).catch((e: unknown) => { if (gone(e)) return undefined; throw e; });
      if (!st || st.dev !== top.dev) continue;
      count(st);
      if (st.isDirectory()) dirs.push(p);
    }
  }
  return bytes;
}
