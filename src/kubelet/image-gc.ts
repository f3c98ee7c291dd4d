// Image garbage collection (upstream kubelet realImageGCManager): every `periodMs` the agent
// lists the node's images and every container (running or exited: an image any container
// uses is in use), remembers when it first saw each image and when it last saw it used, and
// asks the image filesystem how full it is. At or over `highThresholdPercent` it frees
// capacity*(100-lowThresholdPercent)/100 - available bytes by removing unused images, least
// recently used first (then first detected), skipping those seen for less than `minAgeMs`.
// Not enough to free is a FreeDiskSpaceFailed event on the Node; a failure twice in a row
// is an ImageGCFailed event, as upstream (the first may be stats not ready yet).
import type { KubeObject } from '../core/index.js';
import { sleep, type Clock, type Logger } from '../controller-runtime/index.js';
import type { EventRecorder } from './events.js';
import type { Runtime } from './runtime/index.js';

export interface ImageGcPolicy {
  /** Percent of the image filesystem in use at which collection starts (kubelet --image-gc-high-threshold 85). */
  readonly highThresholdPercent: number;
  /** Percent it frees down to (--image-gc-low-threshold 80). */
  readonly lowThresholdPercent: number;
  /** Images detected more recently than this are never collected (imageMinimumGCAge 2m). */
  readonly minAgeMs: number;
  /** How often collection runs (upstream ImageGCPeriod, 5m). */
  readonly periodMs: number;
}

export const DEFAULT_IMAGE_GC_POLICY: ImageGcPolicy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 120_000, periodMs: 300_000 };

interface ImageRecord { firstDetected: number; lastUsed: number; size: number }

/** What collection needs of a runtime: its image service and its containers. */
export type ImageRuntime = Required<Pick<Runtime, 'listImages' | 'removeImage' | 'imageFsInfo'>> & Pick<Runtime, 'listContainers'>;

export function collectsImages(rt: Runtime): rt is Runtime & ImageRuntime {
  return typeof rt.listImages === 'function' && typeof rt.removeImage === 'function' && typeof rt.imageFsInfo === 'function';
}

export class ImageGcManager {
  private readonly records = new Map<string, ImageRecord>();

  constructor(private readonly runtime: ImageRuntime, private readonly policy: ImageGcPolicy, private readonly events: EventRecorder,
    private readonly node: KubeObject, private readonly clock: Clock, private readonly logger: Logger) {
    if (policy.highThresholdPercent < policy.lowThresholdPercent || policy.lowThresholdPercent < 0 || policy.highThresholdPercent > 100) {
      throw new Error(`invalid image GC thresholds: high ${policy.highThresholdPercent}% must be >= low ${policy.lowThresholdPercent}%, both within 0-100`);
    }
  }

  /** Updates the records; returns the images in use. */
  private async detectImages(detectTime: number): Promise<Set<string>> {
    const images = await this.runtime.listImages();
    const inUseRefs = new Set((await this.runtime.listContainers()).map((c) => c.imageRef));
    const now = this.clock.now();
    const inUse = new Set<string>();
    for (const img of images) {
      const rec = this.records.get(img.id) ?? { firstDetected: detectTime, lastUsed: 0, size: img.sizeBytes };
      if (inUseRefs.has(img.id) || img.repoDigests.some((d) => inUseRefs.has(d))) {
        inUse.add(img.id);
        rec.lastUsed = now;
      }
      rec.size = img.sizeBytes;
      this.records.set(img.id, rec);
    }
    const current = new Set(images.map((i) => i.id));
    for (const id of [...this.records.keys()]) if (!current.has(id)) this.records.delete(id);
    return inUse;
  }

  /** One collection; throws when it could not do its job (the caller reports repeated failures). */
  async garbageCollect(): Promise<void> {
    const freeTime = this.clock.now();
    const inUse = await this.detectImages(freeTime);
    const fs = await this.runtime.imageFsInfo();
    const capacity = fs.capacityBytes;
    const available = Math.min(fs.availableBytes, capacity);
    if (capacity === 0) {
      const msg = 'invalid capacity 0 on image filesystem';
      this.events.event(this.node, 'Warning', 'InvalidDiskCapacity', msg);
      throw new Error(msg);
    }
    const usagePercent = 100 - Math.trunc((available * 100) / capacity);
    if (usagePercent < this.policy.highThresholdPercent) return;
    const amountToFree = Math.trunc((capacity * (100 - this.policy.lowThresholdPercent)) / 100) - available;
    this.logger.info('image GC: disk usage on the image filesystem is over the high threshold, freeing bytes down to the low threshold', {
      usage: usagePercent, highThreshold: this.policy.highThresholdPercent, amountToFree, lowThreshold: this.policy.lowThresholdPercent,
    });
    const freed = await this.freeSpace(amountToFree, freeTime, inUse);
    if (freed < amountToFree) {
      const msg = `Failed to garbage collect required amount of images. Attempted to free ${amountToFree} bytes, but only found ${freed} bytes eligible to free.`;
      this.events.event(this.node, 'Warning', 'FreeDiskSpaceFailed', msg);
      throw new Error(msg);
    }
  }

  private async freeSpace(bytesToFree: number, freeTime: number, inUse: Set<string>): Promise<number> {
    const candidates = [...this.records].filter(([id]) => !inUse.has(id))
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed || a.firstDetected - b.firstDetected);
    let freed = 0;
    const errors: string[] = [];
    for (const [id, rec] of candidates) {
      // Used as late as this round (a container created meanwhile) or too young: kept.
      if (rec.lastUsed >= freeTime || freeTime - rec.firstDetected < this.policy.minAgeMs) continue;
      try {
        this.logger.info('image GC: removing image to free bytes', { image: id, size: rec.size });
        await this.runtime.removeImage(id);
        this.records.delete(id);
        freed += rec.size;
      } catch (e) {
        errors.push((e as Error).message);
        continue;
      }
      if (freed >= bytesToFree) break;
    }
    if (errors.length) {
      throw new Error(`wanted to free ${bytesToFree} bytes, but freed ${freed} bytes space with errors in image deletion: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`);
    }
    return freed;
  }
}

/** The agent's loop: collect now and every period until the signal aborts. */
export async function runImageGc(manager: ImageGcManager, opts: { periodMs: number; events: EventRecorder; node: KubeObject; clock: Clock; logger: Logger },
  signal: AbortSignal): Promise<void> {
  let failedBefore = false;
  do {
    try {
      await manager.garbageCollect();
      failedBefore = false;
    } catch (e) {
      if (signal.aborted) return;
      const message = (e as Error).message;
      if (failedBefore) {
        opts.logger.error('image garbage collection failed multiple times in a row', { error: message });
        opts.events.event(opts.node, 'Warning', 'ImageGCFailed', message);
      } else {
        opts.logger.error('image garbage collection failed once; stats may not be ready yet', { error: message });
      }
      failedBefore = true;
    }
  } while (await sleep(opts.clock, opts.periodMs, signal));
}
