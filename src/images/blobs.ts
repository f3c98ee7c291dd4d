// Contract: content-addressed blobs under <root>/blobs/sha256/<hex>. A blob appears under its
// name only after its bytes hashed to that name (hashed while streaming to a temp file, never
// buffered whole) and were flushed to disk, so readers never see partial or wrong content.
// Parallel writes of one digest are shared in-process and harmless across processes (rename
// is atomic and both files hold the same bytes).
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digestMismatch, invalidImage } from './errors.js';
import { isDigest } from './reference.js';

/** Manifests and configs are read whole; nothing legitimate comes near this. */
const MAX_DOCUMENT_BYTES = 8 << 20;

export interface HashedFile { digest: string; size: number }

/**
 * Streams `src` into `file`, hashing on the way. `limit` stops a source that sends more than
 * announced before it fills the disk; `onBytes` reports progress after each chunk.
 */
export async function hashToFile(src: Readable, file: string, opts: { limit?: number; onBytes?: (n: number) => void } = {}): Promise<HashedFile> {
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (opts.limit !== undefined && size > opts.limit) { cb(invalidImage(`received more than the expected ${opts.limit} bytes`)); return; }
      hash.update(chunk);
      opts.onBytes?.(size);
      cb(null, chunk);
    },
  });
  const out = createWriteStream(file, { flags: 'wx', mode: 0o644 });
  await pipeline(src, meter, out);
  const fh = await open(file, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** The first bytes of a file: how compression is told, since media types may lie. */
export async function readMagic(file: string, n = 4): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export const isGzip = (magic: Buffer) => magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
export const isZstd = (magic: Buffer) => magic.length >= 4 && magic.readUInt32LE(0) === 0xfd2fb528;

export const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export class BlobStore {
  readonly dir: string;
  readonly tmpDir: string;
  private readonly inflight = new Map<string, Promise<void>>();
  /** Temp paths this process is still using: sweepTmp leaves them alone whatever their age. */
  private readonly activeTmp = new Set<string>();

  constructor(readonly root: string) {
    this.dir = join(root, 'blobs', 'sha256');
    this.tmpDir = join(root, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  path(digest: string): string {
    if (!isDigest(digest)) throw invalidImage(`invalid digest "${digest}"`);
    return join(this.dir, digest.slice('sha256:'.length));
  }

  /** A fresh temp path on the store's filesystem (so adopting it is a rename). */
  tmpPath(suffix = 'partial'): string {
    const p = join(this.tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}.${suffix}`);
    this.activeTmp.add(p);
    return p;
  }

  /** Removes a temp path (file or directory) and forgets it. */
  async dropTmp(p: string): Promise<void> {
    await rm(p, { recursive: true, force: true });
    this.activeTmp.delete(p);
  }

  /** Deletes leftovers of crashed pulls and loads: temp entries older than `olderThanMs` not in use here. */
  async sweepTmp(olderThanMs: number): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.tmpDir).catch(() => [] as string[])) {
      const p = join(this.tmpDir, name);
      const st = await stat(p).catch(() => undefined);
      if (!st || this.activeTmp.has(p) || Date.now() - st.mtimeMs < olderThanMs) continue;
      await rm(p, { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  async size(digest: string): Promise<number | undefined> {
    try { return (await stat(this.path(digest))).size; } catch { return undefined; }
  }

  async has(digest: string): Promise<boolean> {
    return (await this.size(digest)) !== undefined;
  }

  /** Reads a small document (manifest, config, index) and re-checks it against its digest. */
  async read(digest: string): Promise<Buffer> {
    const size = await this.size(digest);
    if (size === undefined) throw invalidImage(`blob ${digest} is missing from the store`);
    if (size > MAX_DOCUMENT_BYTES) throw invalidImage(`blob ${digest} is too large to be a manifest or config (${size} bytes)`);
    const bytes = await readFile(this.path(digest));
    if (sha256(bytes) !== digest) throw digestMismatch(`stored blob ${digest}`, digest, sha256(bytes));
    return bytes;
  }

  /** Stores small bytes; returns their digest, checking it against `expected` when given. */
  async put(bytes: Buffer, expected?: string): Promise<string> {
    const digest = sha256(bytes);
    if (expected && expected !== digest) throw digestMismatch('blob', expected, digest);
    if (await this.has(digest)) return digest;
    const tmp = this.tmpPath();
    try {
      await hashToFile(Readable.from([bytes]), tmp);
      await this.adopt(tmp, digest);
    } finally {
      await this.dropTmp(tmp);
    }
    return digest;
  }

  /**
   * Streams a blob in from `open()` unless it is already here; the digest and size are checked
   * before the blob gets its name. Concurrent calls for one digest share one download.
   */
  async fetch(digest: string, size: number | undefined, openSource: () => Promise<Readable>, onBytes?: (n: number) => void): Promise<'exists' | 'fetched'> {
    if (await this.has(digest)) return 'exists';
    const running = this.inflight.get(digest);
    if (running) { await running; return 'fetched'; }
    const job = (async () => {
      const tmp = this.tmpPath();
      try {
        const got = await hashToFile(await openSource(), tmp, { limit: size, onBytes });
        if (got.digest !== digest) throw digestMismatch(`blob ${digest}`, digest, got.digest);
        if (size !== undefined && got.size !== size) throw invalidImage(`blob ${digest}: expected ${size} bytes, got ${got.size}`);
        await this.adopt(tmp, digest);
      } finally {
        await this.dropTmp(tmp);
      }
    })();
    this.inflight.set(digest, job);
    try { await job; } finally { this.inflight.delete(digest); }
    return 'fetched';
  }

  /** Moves an already verified temp file into place under its digest. */
  async adopt(tmp: string, digest: string): Promise<void> {
    await rename(tmp, this.path(digest));
  }

  async remove(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true });
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }
}
