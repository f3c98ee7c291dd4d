// Contract: ImageStore is the local half of the image module, over one root directory:
//   <root>/blobs/sha256/<hex>   verified blobs (indexes, manifests, configs, layer tars)
//   <root>/layers/<hex>/        unpacked layers by diff ID (+ <hex>.json once complete)
//   <root>/images.json          references → images (refs.ts)
//   <root>/tmp/, <root>/lock    downloads in progress, the store lock
// It resolves references to runnable images (config + layer directories), lists and removes
// references, and collects garbage. Pull and archive loading (pull.ts, archive.ts) write
// blobs first and add a reference last (commit), so a reference never points at missing data.
import { stat } from 'node:fs/promises';
import { BlobStore } from './blobs.js';
import { invalidImage, notPresent } from './errors.js';
import { LayerStore } from './layers.js';
import { parseConfig, parseManifest, type Descriptor, type ImageConfigDoc, type ImageRuntimeConfig, type ManifestDoc } from './media.js';
import { formatReference, isDigest, parseReference } from './reference.js';
import { RefIndex, type ImageRecord } from './refs.js';

export interface ResolvedImage {
  /** Image ID: the config digest. */
  id: string;
  /** The reference it was found under (canonical), or the ID when looked up by ID. */
  ref: string;
  /** Repository name (docker.io/library/nginx), when the image has one. */
  name?: string;
  /** name@digest of what the name resolved to: the kubelet's imageID. */
  repoDigest?: string;
  digest: string;
  manifestDigest: string;
  /** Entrypoint, Cmd, Env, WorkingDir, User, ExposedPorts, ... (may be empty). */
  config: ImageRuntimeConfig;
  os?: string;
  architecture?: string;
  /** Unpacked layer directories, lowest first (overlayfs wants them reversed in lowerdir). */
  layerDirs: string[];
  diffIDs: string[];
  size: number;
}

export interface ImageSummary {
  ref: string;
  name?: string;
  tag?: string;
  digest: string;
  id: string;
  size: number;
  created: string;
}

export interface GcResult { blobs: number; layers: number; bytes: number }

export type LayerProgress = (diffID: string, done: number) => void;

const idLike = (s: string) => /^(sha256:)?[0-9a-f]{12,64}$/.test(s);

export class ImageStore {
  readonly blobs: BlobStore;
  readonly layers: LayerStore;
  readonly refs: RefIndex;
  /** Digests a pull or load in this process is writing: gc leaves them alone. */
  private readonly leases = new Map<string, number>();

  constructor(readonly root: string) {
    this.blobs = new BlobStore(root);
    this.layers = new LayerStore(root, this.blobs);
    this.refs = new RefIndex(root);
  }

  async init(): Promise<this> {
    await this.blobs.init();
    await this.layers.init();
    return this;
  }

  /** Protects `digests` from gc until the returned function is called. */
  lease(digests: Iterable<string>): () => void {
    const held = [...digests];
    for (const d of held) this.leases.set(d, (this.leases.get(d) ?? 0) + 1);
    return () => { for (const d of held) { const n = (this.leases.get(d) ?? 1) - 1; if (n) this.leases.set(d, n); else this.leases.delete(d); } };
  }

  async readManifest(digest: string): Promise<ManifestDoc> {
    const doc = parseManifest(await this.blobs.read(digest));
    if (doc.kind !== 'manifest') throw invalidImage(`${digest} is an index, not an image manifest`);
    return doc;
  }

  async readConfig(digest: string): Promise<ImageConfigDoc> {
    return parseConfig(await this.blobs.read(digest));
  }

  /** Unpacks every layer of an image whose blobs are all present (shared layers only once). */
  async unpackLayers(manifest: ManifestDoc, config: ImageConfigDoc, progress?: LayerProgress): Promise<void> {
    const ids = config.rootfs.diff_ids;
    if (ids.length !== manifest.layers.length) {
      throw invalidImage(`manifest has ${manifest.layers.length} layers but the config lists ${ids.length} diff IDs`);
    }
    for (let i = 0; i < ids.length; i++) {
      await this.layers.ensure(ids[i]!, manifest.layers[i]!.digest, progress && ((n) => progress(ids[i]!, n)));
    }
  }

  /** Points each name at an image whose blobs and layers are all in place. */
  async commit(names: string[], target: Descriptor, manifest: string, config: string, size: number): Promise<void> {
    const record: ImageRecord = { target, manifest, config, size, created: new Date().toISOString() };
    await this.refs.update((doc) => { for (const n of names) doc.images[n] = record; });
  }

  private async lookup(ref: string): Promise<Array<[string, ImageRecord]>> {
    const { images } = await this.refs.read();
    const all = Object.entries(images);
    if (images[ref]) return [[ref, images[ref]]];
    if (idLike(ref)) {
      const id = ref.startsWith('sha256:') ? ref : `sha256:${ref}`;
      const hits = all.filter(([, r]) => r.config.startsWith(id));
      if (hits.length) return hits;
    }
    const r = parseReference(ref);
    const key = formatReference(r);
    if (images[key]) return [[key, images[key]]];
    if (r.digest) {
      // Pulled by tag, asked for by digest: the same content under the same name.
      return all.filter(([k, rec]) => (rec.target.digest === r.digest || rec.manifest === r.digest) &&
        (k === r.digest || nameOf(k) === r.name));
    }
    return [];
  }

  async has(ref: string): Promise<boolean> {
    return (await this.lookup(ref)).length > 0;
  }

  /** The image behind `ref` (name, name@digest, or image ID), ready to run; unpacks missing layers. */
  async resolveImage(ref: string): Promise<ResolvedImage> {
    const [hit] = await this.lookup(ref);
    if (!hit) throw notPresent(ref);
    const [key, rec] = hit;
    const manifest = await this.readManifest(rec.manifest);
    const config = await this.readConfig(rec.config);
    const missing = [];
    for (const d of config.rootfs.diff_ids) if (!(await this.layers.get(d))) missing.push(d);
    if (missing.length) {
      for (const l of manifest.layers) {
        if (!(await this.blobs.has(l.digest))) throw invalidImage(`image "${ref}" lost layer ${l.digest}: remove it and pull or load it again`);
      }
      await this.unpackLayers(manifest, config);
    }
    const name = isDigest(key) ? undefined : nameOf(key);
    return {
      id: rec.config, ref: key, name, repoDigest: name ? `${name}@${rec.target.digest}` : undefined,
      digest: rec.target.digest, manifestDigest: rec.manifest, config: config.config ?? {},
      os: config.os, architecture: config.architecture,
      layerDirs: config.rootfs.diff_ids.map((d) => this.layers.path(d)), diffIDs: config.rootfs.diff_ids, size: rec.size,
    };
  }

  async list(): Promise<ImageSummary[]> {
    const { images } = await this.refs.read();
    return Object.entries(images).sort(([a], [b]) => a.localeCompare(b)).map(([ref, r]) => {
      const named = !isDigest(ref);
      const p = named ? parseReference(ref, { defaultTag: false }) : undefined;
      return { ref, name: p?.name, tag: p?.tag, digest: r.target.digest, id: r.config, size: r.size, created: r.created };
    });
  }

  /** Removes a reference (or, given an image ID, every reference to it); returns what went. Data goes at gc. */
  async remove(ref: string): Promise<string[]> {
    const hits = await this.lookup(ref);
    if (!hits.length) throw notPresent(ref);
    const keys = hits.map(([k]) => k);
    await this.refs.update((doc) => { for (const k of keys) delete doc.images[k]; });
    return keys;
  }

  /**
   * Deletes blobs and unpacked layers no reference needs. `inUse` holds image IDs (or
   * references) of running containers: their layers stay even if their names were removed.
   * Files younger than `gracePeriodMs` stay too, so a pull running in another process keeps
   * what it has fetched but not yet committed.
   */
  async gc(opts: { inUse?: Iterable<string>; gracePeriodMs?: number } = {}): Promise<GcResult> {
    const grace = opts.gracePeriodMs ?? 10 * 60_000;
    return this.refs.locked(async () => {
      const { images } = await this.refs.read();
      const blobs = new Set<string>(this.leases.keys());
      const layers = new Set<string>();
      const keepConfig = async (digest: string) => {
        blobs.add(digest);
        const cfg = await this.readConfig(digest).catch(() => undefined);
        for (const d of cfg?.rootfs.diff_ids ?? []) layers.add(d);
      };
      for (const rec of Object.values(images)) {
        blobs.add(rec.target.digest).add(rec.manifest);
        const m = await this.readManifest(rec.manifest).catch(() => undefined);
        for (const l of m?.layers ?? []) blobs.add(l.digest);
        await keepConfig(rec.config);
      }
      for (const u of opts.inUse ?? []) {
        if (idLike(u)) { await keepConfig(u.startsWith('sha256:') ? u : `sha256:${u}`); continue; }
        for (const [, rec] of await this.lookup(u).catch(() => [])) await keepConfig(rec.config);
      }
      const old = async (path: string) => Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? 0) >= grace;
      const result: GcResult = { blobs: 0, layers: 0, bytes: 0 };
      for (const d of await this.blobs.list()) {
        if (blobs.has(d) || !(await old(this.blobs.path(d)))) continue;
        result.bytes += (await this.blobs.size(d)) ?? 0;
        await this.blobs.remove(d);
        result.blobs++;
      }
      for (const d of await this.layers.list()) {
        if (layers.has(d) || !(await old(`${this.layers.path(d)}.json`))) continue;
        await this.layers.remove(d);
        result.layers++;
      }
      await this.layers.sweepIncomplete(grace);
      await this.blobs.sweepTmp(grace);
      return result;
    });
  }
}

/** Repository name of an index key (name:tag or name@digest). */
function nameOf(key: string): string {
  return parseReference(key, { defaultTag: false }).name;
}
