// Contract: unpacked layers live under <root>/layers/<diffID hex>/, one per diff ID and shared
// by every image that has that layer. A layer counts as present only once its record
// <hex>.json exists; the record is written after the directory was renamed into place, so a
// crash mid-unpack leaves nothing that looks complete (and gc sweeps the leftovers).
import { chmod, lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BlobStore } from './blobs.js';
import { invalidImage } from './errors.js';
import { isDigest } from './reference.js';
import { unpackLayer, type UnpackResult } from './unpack.js';

export interface LayerRecord extends UnpackResult {
  /** The blob it was unpacked from (compressed digest). */
  blob: string;
  unpackedAt: string;
}

const hex = (diffID: string) => {
  if (!isDigest(diffID)) throw invalidImage(`invalid diff ID "${diffID}"`);
  return diffID.slice('sha256:'.length);
};

/**
 * rm -rf that also works without root: a layer may hold read-only directories (mode 0500),
 * which only root can empty as they are; others get their directories opened up first.
 */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw e;
    const open = async (p: string): Promise<void> => {
      if (!(await lstat(p).catch(() => undefined))?.isDirectory()) return;
      await chmod(p, 0o700).catch(() => undefined);
      for (const n of await readdir(p).catch(() => [] as string[])) await open(join(p, n));
    };
    await open(path);
    await rm(path, { recursive: true, force: true });
  }
}

export class LayerStore {
  readonly dir: string;
  private readonly inflight = new Map<string, Promise<LayerRecord>>();

  constructor(root: string, private readonly blobs: BlobStore) {
    this.dir = join(root, 'layers');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  path(diffID: string): string {
    return join(this.dir, hex(diffID));
  }

  async get(diffID: string): Promise<LayerRecord | undefined> {
    try {
      return JSON.parse(await readFile(`${this.path(diffID)}.json`, 'utf8')) as LayerRecord;
    } catch {
      return undefined;
    }
  }

  /** Unpacks blob `blob` as layer `diffID` unless it is already here. Concurrent calls share the work. */
  ensure(diffID: string, blob: string, onBytes?: (n: number) => void): Promise<LayerRecord> {
    const running = this.inflight.get(diffID);
    if (running) return running;
    const job = this.unpack(diffID, blob, onBytes).finally(() => this.inflight.delete(diffID));
    this.inflight.set(diffID, job);
    return job;
  }

  private async unpack(diffID: string, blob: string, onBytes?: (n: number) => void): Promise<LayerRecord> {
    const have = await this.get(diffID);
    if (have) return have;
    const final = this.path(diffID);
    const tmp = join(this.dir, `.tmp-${hex(diffID).slice(0, 12)}-${randomBytes(4).toString('hex')}`);
    try {
      const result = await unpackLayer(this.blobs.path(blob), tmp, { expectedDiffID: diffID, onBytes });
      try {
        await rename(tmp, final);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
        const other = await this.get(diffID);
        if (other) return other; // another process finished first; ours is dropped below
        await removeTree(final); // a crashed attempt's leftovers
        await rename(tmp, final);
      }
      const record: LayerRecord = { ...result, blob, unpackedAt: new Date().toISOString() };
      await writeFile(`${final}.json`, JSON.stringify(record));
      return record;
    } finally {
      await removeTree(tmp);
    }
  }

  /** Diff IDs of complete layers. */
  async list(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => /^[0-9a-f]{64}\.json$/.test(n)).map((n) => `sha256:${n.slice(0, 64)}`);
  }

  /** Removes a layer: the record first, so a half-removed layer reads as absent. */
  async remove(diffID: string): Promise<void> {
    await rm(`${this.path(diffID)}.json`, { force: true });
    await removeTree(this.path(diffID));
  }

  /** Directories with no record (crashed unpacks), older than `olderThanMs`. */
  async sweepIncomplete(olderThanMs: number): Promise<number> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const done = new Set(names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)));
    let removed = 0;
    for (const n of names) {
      if (n.endsWith('.json') || done.has(n)) continue;
      const st = await stat(join(this.dir, n)).catch(() => undefined);
      if (!st || Date.now() - st.mtimeMs < olderThanMs || this.inflightDir(n)) continue;
      await removeTree(join(this.dir, n));
      removed++;
    }
    return removed;
  }

  private inflightDir(name: string): boolean {
    return [...this.inflight.keys()].some((d) => name === hex(d) || name.startsWith(`.tmp-${hex(d).slice(0, 12)}`));
  }
}
