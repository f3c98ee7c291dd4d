// Test helpers for src/images: build layers and images in memory with tar-stream, wrap them as
// OCI layouts or docker-save archives, and push them to a registry with plain HTTP requests
// (the distribution spec's monolithic upload: POST uploads/ → PUT ?digest=, then PUT the manifest).
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { removeTree } from '../../src/images/layers.js';

export const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
export const isRoot = process.getuid?.() === 0;

export interface EntrySpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo' | 'character-device';
  content?: string;
  mode?: number;
  linkname?: string;
  uid?: number;
  gid?: number;
}

/** An uncompressed tar of `entries`, in order. */
export async function makeTar(entries: EntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => { for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array)); })();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const header = {
      name: e.name, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), uid: e.uid ?? 0, gid: e.gid ?? 0,
      mtime: new Date(1_000_000_000_000), linkname: e.linkname,
    };
    if (type === 'file') pack.entry(header, e.content ?? '');
    else pack.entry(header);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export interface TestImage {
  blobs: Map<string, Buffer>;
  manifest: Buffer;
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
  diffIDs: string[];
  mediaType: string;
}

/** An OCI (or Docker v2) image from uncompressed layer tars; layers gzipped unless `gzip: false`. */
export function makeImage(layerTars: Buffer[], opts: { gzip?: boolean; docker?: boolean; config?: object; arch?: string } = {}): TestImage {
  const blobs = new Map<string, Buffer>();
  const diffIDs = layerTars.map((t) => sha(t));
  const layers = layerTars.map((t) => {
    const b = opts.gzip === false ? t : gzipSync(t);
    blobs.set(sha(b), b);
    const mt = opts.docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
      : opts.gzip === false ? 'application/vnd.oci.image.layer.v1.tar' : 'application/vnd.oci.image.layer.v1.tar+gzip';
    return { mediaType: mt, digest: sha(b), size: b.length };
  });
  const config = Buffer.from(JSON.stringify({
    architecture: opts.arch ?? 'amd64', os: 'linux',
    config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['/bin/sh'], WorkingDir: '/', ExposedPorts: { '80/tcp': {} }, ...opts.config },
    rootfs: { type: 'layers', diff_ids: diffIDs },
  }));
  blobs.set(sha(config), config);
  const mediaType = opts.docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType,
    config: { mediaType: opts.docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
    layers,
  }));
  blobs.set(sha(manifest), manifest);
  return { blobs, manifest, manifestDigest: sha(manifest), configDigest: sha(config), layerDigests: layers.map((l) => l.digest), diffIDs, mediaType };
}

/** An index over several images, each with its platform. */
export function makeIndex(images: Array<{ image: TestImage; os: string; architecture: string; variant?: string }>, docker = false): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: docker ? 'application/vnd.docker.distribution.manifest.list.v2+json' : 'application/vnd.oci.image.index.v1+json',
    manifests: images.map(({ image, os, architecture, variant }) => ({
      mediaType: image.mediaType, digest: image.manifestDigest, size: image.manifest.length, platform: { os, architecture, ...(variant ? { variant } : {}) },
    })),
  }));
}

async function tarOf(files: Array<[string, Buffer]>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => { for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array)); })();
  for (const [name, body] of files) pack.entry({ name, mode: 0o644 }, body);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** An OCI image layout as a tar; `refName` goes in org.opencontainers.image.ref.name. */
export function ociLayoutTar(image: TestImage, refName?: string, extra: Array<[string, Buffer]> = []): Promise<Buffer> {
  const index = {
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: image.mediaType, digest: image.manifestDigest, size: image.manifest.length, ...(refName ? { annotations: { 'org.opencontainers.image.ref.name': refName } } : {}) }],
  };
  return tarOf([
    ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
    ['index.json', Buffer.from(JSON.stringify(index))],
    ...[...image.blobs].map(([d, b]): [string, Buffer] => [`blobs/sha256/${d.slice(7)}`, b]),
    ...extra,
  ]);
}

/** A `docker save` archive (legacy layout: <id>/layer.tar, <config>.json, manifest.json). */
export function dockerArchiveTar(image: TestImage, layerTars: Buffer[], repoTags: string[]): Promise<Buffer> {
  const cfg = image.blobs.get(image.configDigest)!;
  const layerNames = layerTars.map((t) => `${sha(t).slice(7)}/layer.tar`);
  return tarOf([
    [`${image.configDigest.slice(7)}.json`, cfg],
    ...layerTars.map((t, i): [string, Buffer] => [layerNames[i]!, t]),
    ['manifest.json', Buffer.from(JSON.stringify([{ Config: `${image.configDigest.slice(7)}.json`, RepoTags: repoTags, Layers: layerNames }]))],
  ]);
}

/** Pushes blobs and a manifest (or index) to a registry at `base` (http://host:port) with plain fetch. */
export async function pushBlobs(base: string, repo: string, blobs: Map<string, Buffer>): Promise<void> {
  for (const [digest, body] of blobs) {
    const head = await fetch(`${base}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
    if (head.status === 200) continue;
    const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    if (start.status !== 202) throw new Error(`upload start: ${start.status}`);
    const loc = new URL(start.headers.get('location')!, base);
    loc.searchParams.set('digest', digest);
    const put = await fetch(loc, { method: 'PUT', body: new Uint8Array(body), headers: { 'content-type': 'application/octet-stream' } });
    if (put.status !== 201) throw new Error(`upload ${digest}: ${put.status} ${await put.text()}`);
  }
}

export async function pushManifest(base: string, repo: string, tag: string, manifest: Buffer, mediaType: string): Promise<void> {
  const res = await fetch(`${base}/v2/${repo}/manifests/${tag}`, { method: 'PUT', body: new Uint8Array(manifest), headers: { 'content-type': mediaType } });
  if (res.status !== 201) throw new Error(`manifest ${repo}:${tag}: ${res.status} ${await res.text()}`);
}

export async function pushImage(base: string, repo: string, tag: string, image: TestImage): Promise<void> {
  await pushBlobs(base, repo, image.blobs);
  await pushManifest(base, repo, tag, image.manifest, image.mediaType);
}

export async function tempDir(prefix = 'berth-images-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => removeTree(dir) };
}
