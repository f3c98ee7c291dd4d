// Contract: unpackLayer(blob, dest) turns one layer blob (tar, gzip detected from its bytes)
// into a directory an overlayfs mount can use as a lower layer:
// - OCI whiteouts become overlayfs ones: `.wh.X` → character device 0/0 named X (made with
//   mknod(1), since Node cannot make device nodes); `.wh..wh..opq` → xattr
//   trusted.overlay.opaque=y on its directory (set with setfattr(1) from Debian's `attr`
//   package, since Node has no setxattr). Both need root; without it a layer that has them is
//   refused rather than unpacked wrongly.
// - Entry paths are made relative (a leading `/` is dropped: umoci writes absolute names) and
//   any `..` component is refused, as is an entry beneath a symlink of the same layer (it
//   would write outside dest) and a hardlink to anything not already unpacked from this layer.
// - Hardlinks and symlinks are kept; modes (with setuid/setgid/sticky), ownership (when root)
//   and mtimes are preserved; directory attributes are applied last so read-only
//   directories can still be filled.
// - The sha256 of the uncompressed stream must equal `expectedDiffID` (when given).
// dest must not exist; on failure it may be left half-written: the caller unpacks into a
// temp directory and renames it into place only on success.
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, lchown, link, lutimes, mkdir, rm, symlink, utimes } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, posix } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { isGzip, isZstd, readMagic } from './blobs.js';
import { digestMismatch, ImageError, invalidImage, unsupported } from './errors.js';
import { HelperMissing, runHelper, shQuote, xattrDumpPath } from './exec.js';

export interface UnpackOptions {
  expectedDiffID?: string;
  /** Uncompressed bytes read so far. */
  onBytes?: (n: number) => void;
}

export interface UnpackResult {
  diffID: string;
  /** Bytes of the uncompressed tar. */
  tarSize: number;
  entries: number;
  whiteouts: number;
  opaqueDirs: number;
}

type Kind = 'dir' | 'file' | 'symlink' | 'special';
interface Attrs { mode: number; uid: number; gid: number; mtime?: Date }
interface Special { path: string; type: 'c' | 'b' | 'p'; attrs: Attrs; major: number; minor: number }

const isRoot = () => process.getuid?.() === 0;

/** Relative, normalised entry path ('' for the layer root); throws on `..`. */
export function entryPath(name: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw invalidImage(`layer entry "${name}" has a ".." component`);
  return parts.join('/');
}

/** The file's bytes, decompressed when gzip: the stages to put at the head of a pipeline. */
export async function decompressedStages(file: string): Promise<Array<NodeJS.ReadableStream | NodeJS.ReadWriteStream>> {
  const magic = await readMagic(file);
  if (isZstd(magic)) throw unsupported('zstd-compressed layers are not supported');
  return isGzip(magic) ? [createReadStream(file), createGunzip()] : [createReadStream(file)];
}

/** Errors of the host (ENOSPC, EACCES), as opposed to errors of the data. */
export const isHostError = (e: unknown) => /^E[A-Z]+$/.test(String((e as NodeJS.ErrnoException)?.code ?? ''));

export async function unpackLayer(blobFile: string, dest: string, opts: UnpackOptions = {}): Promise<UnpackResult> {
  const root = isRoot();
  await mkdir(dest, { mode: 0o755 });
  const kinds = new Map<string, Kind>([['', 'dir']]);
  const dirAttrs = new Map<string, Attrs>();
  // Owner, mode and mtime of files and symlinks, applied after the stream in parallel: each is
  // a thread-pool round trip, and one at a time they cost more than the writes themselves.
  const leafAttrs = new Map<string, { a: Attrs; link: boolean }>();
  const whiteouts: string[] = [];
  const opaque = new Set<string>();
  const specials: Special[] = [];
  let entries = 0;

  const ensureParents = async (rel: string, parent: string) => {
    if (!parent) return;
    let p = '';
    for (const part of parent.split('/')) {
      p = p ? `${p}/${part}` : part;
      const k = kinds.get(p);
      if (k === 'dir') continue;
      if (k === 'symlink') throw invalidImage(`layer entry "${rel}" lies beneath the symlink "${p}" of the same layer`);
      if (k) throw invalidImage(`layer entry "${rel}" lies beneath "${p}", which is not a directory`);
      await mkdir(join(dest, p), { mode: 0o755 });
      kinds.set(p, 'dir');
    }
  };

  const replace = async (rel: string) => {
    await rm(join(dest, rel), { recursive: true, force: true });
    for (const k of [...kinds.keys()]) {
      if (k === rel || k.startsWith(`${rel}/`)) { kinds.delete(k); leafAttrs.delete(k); dirAttrs.delete(k); }
    }
  };

  const setAttrs = async (abs: string, a: Attrs, isLink: boolean) => {
    // chown before chmod: chown clears setuid/setgid bits.
    if (root) await lchown(abs, a.uid, a.gid);
    if (!isLink) await chmod(abs, a.mode);
    if (a.mtime) await (isLink ? lutimes : utimes)(abs, a.mtime, a.mtime);
  };

  const handle = async (h: tar.Header, body: tar.Extract extends AsyncIterable<infer S> ? S : never) => {
    entries++;
    const rel = entryPath(h.name);
    const attrs: Attrs = { mode: (h.mode ?? 0o644) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, mtime: h.mtime };
    if (rel === '') { body.resume(); return; }
    const base = posix.basename(rel);
    const parent = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    await ensureParents(rel, parent);
    if (base.startsWith('.wh.')) {
      body.resume();
      if (base === '.wh..wh..opq') opaque.add(parent);
      else if (!base.startsWith('.wh..wh.')) whiteouts.push(parent ? `${parent}/${base.slice(4)}` : base.slice(4)); // .wh..wh.* is aufs bookkeeping: skipped
      return;
    }
    const abs = join(dest, rel);
    const existing = kinds.get(rel);
    if (existing && !(existing === 'dir' && h.type === 'directory')) await replace(rel);
    switch (h.type) {
      case 'directory':
        if (!existing) await mkdir(abs, { mode: 0o700 });
        kinds.set(rel, 'dir');
        dirAttrs.set(rel, attrs);
        body.resume();
        return;
      case 'file': case 'contiguous-file':
        await pipeline(body as unknown as Readable, createWriteStream(abs, { flags: 'wx', mode: 0o600 }));
        kinds.set(rel, 'file');
        leafAttrs.set(rel, { a: attrs, link: false });
        return;
      case 'symlink':
        body.resume();
        await symlink(h.linkname ?? '', abs);
        kinds.set(rel, 'symlink');
        leafAttrs.set(rel, { a: attrs, link: true });
        return;
      case 'link': {
        body.resume();
        const target = entryPath(h.linkname ?? '');
        const k = kinds.get(target);
        if (!k || k === 'dir') throw invalidImage(`layer entry "${rel}" is a hardlink to "${h.linkname}", which is not an earlier file of this layer`);
        await link(join(dest, target), abs);
        kinds.set(rel, k);
        return;
      }
      case 'character-device': case 'block-device': case 'fifo':
        body.resume();
        specials.push({ path: rel, type: h.type === 'fifo' ? 'p' : h.type === 'block-device' ? 'b' : 'c', attrs, major: h.devmajor ?? 0, minor: h.devminor ?? 0 });
        kinds.set(rel, 'special');
        return;
      default:
        body.resume(); // global pax headers and the like carry nothing to write
    }
  };

  const hash = createHash('sha256');
  let tarSize = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _e, cb) { hash.update(chunk); tarSize += chunk.length; opts.onBytes?.(tarSize); cb(null, chunk); },
  });
  const extract = tar.extract();
  const feeding = pipeline([...(await decompressedStages(blobFile)), meter, extract as unknown as NodeJS.WritableStream]);
  try {
    for await (const entry of extract) await handle(entry.header, entry);
    await feeding;
  } catch (e) {
    extract.destroy();
    await feeding.catch(() => undefined);
    // ImageErrors say what is wrong with the layer; errno failures (ENOSPC, EACCES) are the host's, kept as they are.
    if (e instanceof ImageError || isHostError(e)) throw e;
    throw invalidImage(`layer ${opts.expectedDiffID ?? blobFile}: ${(e as Error).message}`, e);
  }
  const diffID = `sha256:${hash.digest('hex')}`;
  if (opts.expectedDiffID && diffID !== opts.expectedDiffID) throw digestMismatch('layer (diff ID)', opts.expectedDiffID, diffID);

  const pending = [...leafAttrs];
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let next = pending.pop(); next; next = pending.pop()) await setAttrs(join(dest, next[0]), next[1].a, next[1].link);
  }));

  // A whiteout beside an entry of the same name in the same layer hides nothing of this layer (image-spec).
  const hide = whiteouts.filter((w) => !kinds.has(w));
  if ((hide.length || opaque.size || specials.length) && !root) {
    throw unsupported('this layer has whiteouts or device nodes, which only root can unpack for overlayfs');
  }
  const script = [
    // `./` keeps a name that starts with `-` from reading as an option.
    ...hide.map((w) => `mknod ${shQuote(`./${w}`)} c 0 0`),
    ...specials.map((s) => `mknod -m ${s.attrs.mode.toString(8)} ${shQuote(`./${s.path}`)} ${s.type}${s.type === 'p' ? '' : ` ${s.major} ${s.minor}`}` +
      ` && chown -h ${s.attrs.uid}:${s.attrs.gid} ${shQuote(`./${s.path}`)}`),
  ];
  if (script.length) await runHelper('sh', ['-e', '-s'], { cwd: dest, input: `${script.join('\n')}\n` });
  if (opaque.size) {
    const dump = [...opaque].map((d) => `# file: ${xattrDumpPath(d || '.')}\ntrusted.overlay.opaque="y"\n`).join('\n');
    try {
      await runHelper('setfattr', ['--restore=-'], { cwd: dest, input: dump });
    } catch (e) {
      if (e instanceof HelperMissing) throw unsupported('opaque directories need setfattr: install the Debian package "attr"');
      throw e;
    }
  }
  // Deepest first, so setting a parent's mtime is not undone by work on its children.
  for (const [rel, a] of [...dirAttrs].sort((x, y) => y[0].split('/').length - x[0].split('/').length)) {
    await setAttrs(join(dest, rel), a, false);
  }
  return { diffID, tarSize, entries, whiteouts: hide.length, opaqueDirs: opaque.size };
}
