// Contract: pullImage(store, ref) fetches an image over the distribution protocol into the
// store and returns it resolved. Endpoints come from registries.yaml (mirrors first, then the
// registry itself); the first one that serves the manifest serves the whole image. An index or
// manifest list is narrowed to one platform (linux/<host arch> unless told otherwise). Every
// blob is verified by digest as it streams in, every layer by diff ID as it unpacks; layers
// already unpacked are not downloaded again. The reference is recorded only once all of it is
// in place. Progress goes to `onProgress` per blob (bytes done / total) for a CLI progress bar.
import type { CredentialLookup } from './credentials.js';
import { ImageError, invalidImage, isImageError, network } from './errors.js';
import { RegistryClient, type FetchedManifest } from './registry-client.js';
import { checkLayerMediaType, parseManifest, selectPlatform, type Descriptor, type Platform } from './media.js';
import { formatReference, parseReference } from './reference.js';
import { endpointsFor, type RegistriesConfig } from './registries.js';
import type { ImageStore, ResolvedImage } from './store.js';

export interface PullProgress {
  ref: string;
  kind: 'config' | 'layer';
  digest: string;
  /** waiting → downloading → extracting → done; `exists` when nothing had to be fetched. */
  phase: 'waiting' | 'downloading' | 'extracting' | 'exists' | 'done';
  /** Bytes downloaded (downloading), uncompressed bytes unpacked (extracting). */
  done: number;
  /** Blob size in bytes (compressed). */
  total: number;
}

export interface PullOptions {
  credentials?: CredentialLookup;
  registries?: RegistriesConfig;
  platform?: Platform;
  signal?: AbortSignal;
  onProgress?: (p: PullProgress) => void;
  /** false: with mirrors configured, never fall back to the registry itself. */
  defaultEndpoint?: boolean;
  /** Layers fetched at once (default 3). */
  concurrency?: number;
}

/** Picks the error that says most: a registry's answer beats a mirror that was unreachable. */
function bestError(errors: unknown[]): unknown {
  return errors.find((e) => isImageError(e) && !e.retryable) ?? errors[errors.length - 1];
}

const HOST_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'EMFILE', 'ENFILE']);

/** A download that broke off (reset, premature close) is the network's fault; a full disk is not. */
function downloadError(what: string, e: unknown): unknown {
  if (isImageError(e) || HOST_ERRORS.has((e as NodeJS.ErrnoException)?.code ?? '')) return e;
  return network(`downloading ${what}: ${(e as Error)?.message ?? e}`, e);
}

async function runPool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < items.length) await fn(items[next++]!); };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function pullImage(store: ImageStore, refString: string, opts: PullOptions = {}): Promise<ResolvedImage> {
  const ref = parseReference(refString);
  const display = formatReference(ref);
  const endpoints = await endpointsFor(opts.registries ?? { mirrors: {}, configs: {} }, ref, { defaultEndpoint: opts.defaultEndpoint });
  const errors: unknown[] = [];
  let client: RegistryClient | undefined;
  let top: FetchedManifest | undefined;
  for (const ep of endpoints) {
    const c = new RegistryClient(ep, { credentials: opts.credentials, upstream: ref.domain, signal: opts.signal });
    try {
      top = await c.getManifest(ref.digest ?? ref.tag!, display);
      client = c;
      break;
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      errors.push(e);
    }
  }
  if (!client || !top) throw bestError(errors);

  const topDoc = parseManifest(top.bytes, top.mediaType);
  const target: Descriptor = { mediaType: topDoc.mediaType, digest: top.digest, size: top.bytes.length };
  let manifestFetched = top;
  if (topDoc.kind === 'index') {
    const pick = selectPlatform(topDoc, opts.platform);
    manifestFetched = await client.getManifest(pick.digest, display);
  }
  const manifest = parseManifest(manifestFetched.bytes, manifestFetched.mediaType);
  if (manifest.kind !== 'manifest') throw invalidImage(`${display}: an index inside an index is not supported`);
  for (const l of manifest.layers) checkLayerMediaType(l.mediaType);

  const release = store.lease([top.digest, manifestFetched.digest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)]);
  try {
    await store.blobs.put(top.bytes, top.digest);
    await store.blobs.put(manifestFetched.bytes, manifestFetched.digest);
    const report = (p: Omit<PullProgress, 'ref'>) => opts.onProgress?.({ ref: display, ...p });
    const cfg = manifest.config;
    const got = await store.blobs.fetch(cfg.digest, cfg.size, () => client.openBlob(cfg.digest, display))
      .catch((e) => { throw downloadError(cfg.digest, e); });
    report({ kind: 'config', digest: cfg.digest, phase: got === 'exists' ? 'exists' : 'done', done: cfg.size, total: cfg.size });
    const config = await store.readConfig(cfg.digest);
    const ids = config.rootfs.diff_ids;
    if (ids.length !== manifest.layers.length) {
      throw invalidImage(`${display}: manifest has ${manifest.layers.length} layers but the config lists ${ids.length} diff IDs`);
    }
    for (const l of manifest.layers) report({ kind: 'layer', digest: l.digest, phase: 'waiting', done: 0, total: l.size });
    await runPool(manifest.layers.map((l, i) => ({ l, diffID: ids[i]! })), opts.concurrency ?? 3, async ({ l, diffID }) => {
      if (await store.layers.get(diffID)) {
        report({ kind: 'layer', digest: l.digest, phase: 'exists', done: l.size, total: l.size });
        return;
      }
      const fetched = await store.blobs.fetch(l.digest, l.size, () => client.openBlob(l.digest, display),
        (n) => report({ kind: 'layer', digest: l.digest, phase: 'downloading', done: n, total: l.size }))
        .catch((e) => { throw downloadError(l.digest, e); });
      report({ kind: 'layer', digest: l.digest, phase: 'extracting', done: 0, total: l.size });
      await store.layers.ensure(diffID, l.digest, (n) => report({ kind: 'layer', digest: l.digest, phase: 'extracting', done: n, total: l.size }));
      report({ kind: 'layer', digest: l.digest, phase: fetched === 'exists' ? 'exists' : 'done', done: l.size, total: l.size });
    });
    const size = cfg.size + manifest.layers.reduce((n, l) => n + l.size, 0);
    await store.commit([display], target, manifestFetched.digest, cfg.digest, size);
  } catch (e) {
    if (e instanceof ImageError) e.message = e.message.startsWith(display) ? e.message : `${display}: ${e.message}`;
    throw e;
  } finally {
    release();
  }
  return store.resolveImage(display);
}
