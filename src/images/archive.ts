// Contract: loadArchive(store, file) imports every image of a tar archive (optionally gzipped):
// - OCI image layout (oci-layout + index.json + blobs/sha256/*): names come from each index
//   entry's `io.containerd.image.name`, else `org.opencontainers.image.ref.name` when it is a
//   full reference; a bare tag there (docker 25 writes `1.9.1`) is joined with a RepoTag from
//   manifest.json when the archive has one (docker's OCI-in-docker format).
// - `docker save` archives (manifest.json with Config/RepoTags/Layers): an OCI manifest is
//   written for each image (layer media type from the bytes: tar or tar+gzip).
// Every file is hashed while it streams to a temp file on the store's filesystem (never held
// in memory); a blob whose name is not its digest is refused. Blobs are renamed into the
// store, layers unpacked (diff IDs checked), and the names recorded last. `tag` names the only
// image of an archive that carries no usable name (or adds a name to it).
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { hashToFile, isGzip, readMagic, type HashedFile } from './blobs.js';
import { ImageError, invalidImage } from './errors.js';
import { MT, parseManifest, selectPlatform, type Descriptor, type Platform } from './media.js';
import { formatReference, parseReference } from './reference.js';
import type { ImageStore } from './store.js';
import { decompressedStages, entryPath, isHostError } from './unpack.js';

export interface LoadOptions { tag?: string; platform?: Platform; onProgress?: (loadedBytes: number) => void }
export interface LoadedImage { names: string[]; id: string; digest: string }

interface Unpacked { files: Map<string, HashedFile & { tmp: string }>; links: Map<string, string> }

async function unpackArchive(file: string, tmpDir: string, onProgress?: (n: number) => void): Promise<Unpacked> {
  const files: Unpacked['files'] = new Map();
  const links = new Map<string, string>();
  const stages = await decompressedStages(file);
  let read = 0;
  stages[0]!.on('data', (c: Buffer) => { read += c.length; onProgress?.(read); });
  const extract = tar.extract();
  const feeding = pipeline([...stages, extract as unknown as NodeJS.WritableStream]);
  try {
    let n = 0;
    for await (const entry of extract) {
      const name = entryPath(entry.header.name);
      if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
        const tmp = join(tmpDir, String(n++));
        files.set(name, { ...(await hashToFile(entry as unknown as Readable, tmp)), tmp });
      } else {
        if (entry.header.type === 'symlink' || entry.header.type === 'link') {
          // Old `docker save` links repeated layers; a symlink is relative to its directory.
          const target = entry.header.type === 'symlink' ? posix.join(posix.dirname(name), entry.header.linkname) : entry.header.linkname;
          links.set(name, entryPath(target));
        }
        entry.resume();
      }
    }
    await feeding;
  } catch (e) {
    extract.destroy();
    await feeding.catch(() => undefined);
    if (e instanceof ImageError || isHostError(e)) throw e;
    throw invalidImage(`${file} is not a readable image archive: ${(e as Error).message}`, e);
  }
  return { files, links };
}

export async function loadArchive(store: ImageStore, file: string, opts: LoadOptions = {}): Promise<LoadedImage[]> {
  const tmpDir = store.blobs.tmpPath('load');
  await mkdir(tmpDir, { recursive: true });
  const leases: Array<() => void> = [];
  try {
    const { files, links } = await unpackArchive(file, tmpDir, opts.onProgress);
    const lookup = (p: string) => {
      let name = entryPath(p);
      for (let hops = 0; links.has(name) && hops < 8; hops++) name = links.get(name)!;
      const f = files.get(name);
      if (!f) throw invalidImage(`${file}: the archive has no "${p}"`);
      return f;
    };
    const json = async (p: string) => {
      try { return JSON.parse(await readFile(lookup(p).tmp, 'utf8')); } catch (e) {
        if (e instanceof ImageError) throw e;
        throw invalidImage(`${file}: ${p} is not valid JSON`);
      }
    };
    // Adopts a blob into the store by digest; the archive's own name for it must agree.
    const adopted = new Set<string>();
    const adopt = async (path: string, expected?: string): Promise<string> => {
      const f = lookup(path);
      if (expected && f.digest !== expected) throw invalidImage(`${file}: ${path} does not match its digest ${expected} (it hashes to ${f.digest})`);
      leases.push(store.lease([f.digest]));
      if (!adopted.has(f.tmp)) {
        adopted.add(f.tmp);
        if (await store.blobs.has(f.digest)) await rm(f.tmp, { force: true });
        else await store.blobs.adopt(f.tmp, f.digest);
      }
      return f.digest;
    };
    const blobPath = (d: string) => `blobs/sha256/${d.slice('sha256:'.length)}`;

    const dockerManifest: any[] | undefined = files.has('manifest.json') ? await json('manifest.json') : undefined;
    if (dockerManifest !== undefined && !Array.isArray(dockerManifest)) throw invalidImage(`${file}: manifest.json is not a list`);
    const repoTags = new Map<string, string[]>(); // config digest → RepoTags
    const plan: Array<{ names: string[]; target: Descriptor; manifest: string }> = [];

    if (files.has('index.json')) {
      const index = parseManifest(Buffer.from(JSON.stringify(await json('index.json'))), MT.ociIndex);
      if (index.kind !== 'index') throw invalidImage(`${file}: index.json is not an image index`);
      for (const e of dockerManifest ?? []) {
        const cfg = typeof e?.Config === 'string' ? lookup(e.Config).digest : undefined;
        if (cfg) repoTags.set(cfg, (e.RepoTags ?? []).filter((t: unknown) => typeof t === 'string'));
      }
      for (const d of index.manifests) {
        await adopt(blobPath(d.digest), d.digest);
        let manifestDigest = d.digest;
        const doc = parseManifest(await store.blobs.read(d.digest), d.mediaType);
        if (doc.kind === 'index') {
          const pick = selectPlatform(doc, opts.platform);
          manifestDigest = await adopt(blobPath(pick.digest), pick.digest);
        }
        const m = await store.readManifest(manifestDigest);
        await adopt(blobPath(m.config.digest), m.config.digest);
        for (const l of m.layers) await adopt(blobPath(l.digest), l.digest);
        const ann = d.annotations ?? {};
        const refName = ann['io.containerd.image.name'] ?? ann['org.opencontainers.image.ref.name'];
        const names = refName && /[:/@]/.test(refName) ? [refName] : (repoTags.get(m.config.digest) ?? []);
        plan.push({ names, target: { mediaType: doc.mediaType, digest: d.digest, size: d.size }, manifest: manifestDigest });
      }
    } else if (dockerManifest) {
      for (const e of dockerManifest) {
        if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers)) throw invalidImage(`${file}: manifest.json entry without Config and Layers`);
        const config = await adopt(e.Config);
        const layers: Descriptor[] = [];
        for (const l of e.Layers as string[]) {
          const f = lookup(l);
          const gz = isGzip(await readMagic(f.tmp));
          layers.push({ mediaType: gz ? MT.ociLayerGzip : MT.ociLayer, digest: await adopt(l), size: f.size });
        }
        const cfgSize = lookup(e.Config).size;
        const manifestBytes = Buffer.from(JSON.stringify({
          schemaVersion: 2, mediaType: MT.ociManifest, config: { mediaType: MT.ociConfig, digest: config, size: cfgSize }, layers,
        }));
        const digest = await store.blobs.put(manifestBytes);
        leases.push(store.lease([digest]));
        plan.push({ names: (e.RepoTags ?? []).filter((t: unknown) => typeof t === 'string'), target: { mediaType: MT.ociManifest, digest, size: manifestBytes.length }, manifest: digest });
      }
    } else {
      throw invalidImage(`${file} is neither an OCI image layout nor a docker save archive (no index.json or manifest.json)`);
    }
    if (opts.tag) {
      if (plan.length !== 1) throw invalidImage(`${file} holds ${plan.length} images; a tag can name only one`);
      plan[0]!.names.push(opts.tag);
    }

    const loaded: LoadedImage[] = [];
    for (const p of plan) {
      const m = await store.readManifest(p.manifest);
      const config = await store.readConfig(m.config.digest);
      await store.unpackLayers(m, config);
      const names = [...new Set(p.names.map((n) => formatReference(parseReference(n))))];
      const size = m.config.size + m.layers.reduce((n, l) => n + l.size, 0);
      await store.commit(names.length ? names : [p.manifest], p.target, p.manifest, m.config.digest, size);
      loaded.push({ names, id: m.config.digest, digest: p.target.digest });
    }
    return loaded;
  } finally {
    for (const release of leases) release();
    await store.blobs.dropTmp(tmpDir);
  }
}
