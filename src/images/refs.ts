// Contract: the index of image references, <root>/images.json: reference → what it points at.
// Keys are canonical references (docker.io/library/nginx:1.9.1, name@sha256:…), or a bare
// manifest digest for an image loaded without any name. Each record keeps the top-level
// descriptor the name resolved to (an index or a manifest: its digest is the repo digest
// kubectl shows as imageID), the platform manifest chosen from it, and the config digest (the
// image ID). Updates are read-modify-write under the store lock and land by atomic rename.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { withLock } from './lock.js';
import type { Descriptor } from './media.js';

export interface ImageRecord {
  /** What the name resolved to (index or manifest). */
  target: Descriptor;
  /** The platform manifest used (equals target.digest when target is a manifest). */
  manifest: string;
  /** Config digest: the image ID. */
  config: string;
  /** Sum of the config and layer blob sizes: what the kubelet reports as the image size. */
  size: number;
  created: string;
}

export interface RefIndexFile {
  version: 1;
  images: Record<string, ImageRecord>;
}

export class RefIndex {
  readonly file: string;
  readonly lockPath: string;

  constructor(root: string) {
    this.file = join(root, 'images.json');
    this.lockPath = join(root, 'lock');
  }

  async read(): Promise<RefIndexFile> {
    try {
      const doc = JSON.parse(await readFile(this.file, 'utf8')) as RefIndexFile;
      if (doc && doc.version === 1 && doc.images && typeof doc.images === 'object') return doc;
      throw new Error(`unknown format in ${this.file}`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, images: {} };
      throw e;
    }
  }

  /** Runs `fn` on the current index under the store lock and saves what it leaves. */
  async update<T>(fn: (doc: RefIndexFile) => T | Promise<T>): Promise<T> {
    return this.locked(async () => {
      const doc = await this.read();
      const out = await fn(doc);
      const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, `${JSON.stringify(doc, null, 1)}\n`);
      await rename(tmp, this.file);
      return out;
    });
  }

  /** The store lock, also held by gc so it never races an update. */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    return withLock(this.lockPath, fn);
  }
}
