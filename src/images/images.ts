// Contract: Images is what the CLI and the kubelet hold: one image store under a root directory
// (the lead passes <data-dir>/images) plus the registries file (<data-dir>/registries.yaml,
// re-read on each pull so edits apply without a restart). Pulls of one reference that overlap
// in this process share one download. Every failure is an ImageError (errors.ts).
import { statfs } from 'node:fs/promises';
import { loadArchive, type LoadedImage, type LoadOptions } from './archive.js';
import type { CredentialLookup } from './credentials.js';
import { isImageError } from './errors.js';
import type { Platform } from './media.js';
import { neverPullError, pullDecision } from './policy.js';
import { pullImage, type PullProgress } from './pull.js';
import { formatReference, parseReference } from './reference.js';
import { loadRegistriesConfig } from './registries.js';
import { ImageStore, type GcResult, type ImageSummary, type ResolvedImage } from './store.js';

export interface ImagesOptions {
  /** Store root, e.g. <data-dir>/images. */
  root: string;
  /** registries.yaml (mirrors, auth, TLS); a missing file means none. */
  registriesFile?: string;
  /** false: never fall back from configured mirrors to the registry itself (air-gapped nodes). */
  defaultEndpoint?: boolean;
}

export interface PullCallOptions {
  /** From imagePullSecrets: credentialsFromDockerConfig(decoded .dockerconfigjson). */
  credentials?: CredentialLookup;
  onProgress?: (p: PullProgress) => void;
  signal?: AbortSignal;
  platform?: Platform;
}

/** What the kubelet's Runtime.imageStatus/pullImage report (src/kubelet/runtime ImageStatus). */
export interface ImageStatusInfo {
  /** repoDigest (docker.io/library/nginx@sha256:…) when named, else the image ID: the container's imageID. */
  ref: string;
  /** Canonical name, shown as the container's image. */
  name: string;
  sizeBytes: number;
  id: string;
}

export class Images {
  private readonly pulls = new Map<string, Promise<ResolvedImage>>();
  /** One id per credential lookup: overlapping pulls share a download only when they pull with the same credentials. */
  private readonly lookupIds = new WeakMap<CredentialLookup, number>();
  private nextLookupId = 1;

  private constructor(readonly store: ImageStore, private readonly opts: ImagesOptions) {}

  static async open(opts: ImagesOptions): Promise<Images> {
    return new Images(await new ImageStore(opts.root).init(), opts);
  }

  /** Pulls `ref` from its registry (or mirrors) into the store. */
  pull(ref: string, opts: PullCallOptions = {}): Promise<ResolvedImage> {
    let key: string;
    try { key = formatReference(parseReference(ref)); } catch (e) { return Promise.reject(e); }
    let cred = 0;
    if (opts.credentials) {
      cred = this.lookupIds.get(opts.credentials) ?? this.nextLookupId++;
      this.lookupIds.set(opts.credentials, cred);
    }
    const jobKey = `${key} ${cred}`;
    const running = this.pulls.get(jobKey);
    if (running) return running;
    const job = (async () => {
      const registries = await loadRegistriesConfig(this.opts.registriesFile);
      return pullImage(this.store, key, { ...opts, registries, defaultEndpoint: this.opts.defaultEndpoint });
    })().finally(() => this.pulls.delete(jobKey));
    this.pulls.set(jobKey, job);
    return job;
  }

  /** Applies imagePullPolicy: pulls when the policy says so, else uses the local image. */
  async ensure(ref: string, policy: string | undefined, opts: PullCallOptions = {}): Promise<{ image: ResolvedImage; pulled: boolean }> {
    const present = await this.store.has(ref).catch(() => false);
    const decision = pullDecision(policy, ref, present);
    if (decision === 'never-pull-missing') throw neverPullError(ref);
    if (decision === 'use-local') return { image: await this.store.resolveImage(ref), pulled: false };
    return { image: await this.pull(ref, opts), pulled: true };
  }

  /** The image as the kubelet reports it, or undefined when it is not here. */
  async status(ref: string): Promise<ImageStatusInfo | undefined> {
    try {
      const img = await this.store.resolveImage(ref);
      return { ref: img.repoDigest ?? img.id, name: img.name ? img.ref : img.id, sizeBytes: img.size, id: img.id };
    } catch (e) {
      if (isImageError(e) && (e.kind === 'NotPresent' || e.kind === 'InvalidImageName')) return undefined;
      throw e;
    }
  }

  resolveImage(ref: string): Promise<ResolvedImage> { return this.store.resolveImage(ref); }
  loadArchive(file: string, opts?: LoadOptions): Promise<LoadedImage[]> { return loadArchive(this.store, file, opts); }
  list(): Promise<ImageSummary[]> { return this.store.list(); }
  remove(ref: string): Promise<string[]> { return this.store.remove(ref); }
  gc(opts?: { inUse?: Iterable<string>; gracePeriodMs?: number }): Promise<GcResult> { return this.store.gc(opts); }

  /** Size and free space of the filesystem holding the store (the kubelet's image filesystem). */
  async fsInfo(): Promise<{ capacityBytes: number; availableBytes: number }> {
    const s = await statfs(this.store.root);
    return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
  }
}

/** Opens (creating if needed) the image store at `root`. */
export function openImages(opts: ImagesOptions): Promise<Images> {
  return Images.open(opts);
}
