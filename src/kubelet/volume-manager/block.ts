// local-block volumes on this node: mounted through their loop device at the pod's volume
// directory, remembered per PV while pods use them, and grown when the controller side of a
// resize has grown the image (upstream kubelet NodeExpandVolume). The check runs when a pod
// mounts the volume (a claim resized while unused grows before the mount) and, for volumes in
// use, every `intervalMs` (online expansion). An agent that may not grow a mounted filesystem
// says so once per resize (FileSystemResizeFailed) and leaves the claim FileSystemResizePending
// until a pod mounts the volume afresh. After a restart, the first sync of each running pod
// mounts again, which finds the existing mount and re-adopts it.
import { isConflict, PersistentVolumeClaims, PersistentVolumes, Pods } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import { sleep, realClock, type Logger } from '../../controller-runtime/index.js';
import {
  createEventRecorder, expandMountedImage, markResizeFinished, mountImage, nodeResizePending, volumeCapacity, copyForWrite, OnlineResizeUnavailable,
  type EventRecorder, type PersistentVolumeClaimObject as Claim, type PersistentVolumeObject as Volume, type PodObject, type VolumeImage,
} from '../../volumes/index.js';

interface MountedVolume {
  readonly claimKey: { namespace?: string; name: string };
  readonly dev: string;
  /** Pods using it, by uid. */
  readonly pods: Map<string, PodObject>;
  /** The PV capacity an online resize was refused for: not tried again while mounted. */
  refusedFor?: string;
}

export class BlockVolumes {
  private readonly mounted = new Map<string, MountedVolume>();
  private readonly expanding = new Map<string, Promise<void>>();
  private recorder?: EventRecorder;
  private loop?: Promise<void>;

  constructor(private readonly client: ApiClient, private readonly intervalMs: number, private readonly logger?: Logger) {}

  /** Mounts pv's image at dir for pod, and grows its filesystem if a resize waits for the node. */
  async setUp(pod: PodObject, claim: Claim, pv: Volume, image: VolumeImage, dir: string, signal: AbortSignal): Promise<void> {
    const pvName = pv.metadata?.name ?? '';
    const pending = nodeResizePending(claim, pv);
    const { dev, grown } = await mountImage(image, dir, pv.spec?.mountOptions ?? [], pending);
    const entry = this.mounted.get(pvName) ?? { claimKey: { namespace: claim.metadata?.namespace, name: claim.metadata?.name ?? '' }, dev, pods: new Map() };
    entry.pods.set(pod.metadata?.uid ?? '', pod);
    this.mounted.set(pvName, entry);
    this.loop ??= this.run(signal);
    if (grown) await this.finish(pvName, entry, claim, pv);
    else if (pending) await this.expand(pvName, entry, claim, pv).catch(() => {}); // reported; the pod starts with the old size
  }

  forgetPod(uid: string): void {
    for (const [pv, entry] of this.mounted) {
      entry.pods.delete(uid);
      if (!entry.pods.size) this.mounted.delete(pv);
    }
  }

  /** One pass over the mounted volumes: grow those whose resize waits for the node. */
  async checkResizes(): Promise<void> {
    for (const [pvName, entry] of [...this.mounted]) {
      try {
        const claim = await this.client.get<Claim>(PersistentVolumeClaims, entry.claimKey);
        if (claim.spec?.volumeName !== pvName) continue;
        const pv = await this.client.get<Volume>(PersistentVolumes, { name: pvName });
        if (nodeResizePending(claim, pv) && entry.refusedFor !== pv.spec?.capacity?.storage) await this.expand(pvName, entry, claim, pv);
      } catch (e) {
        if (e instanceof OnlineResizeUnavailable) continue;
        this.logger?.error('volume manager: resize check failed', { volume: pvName, error: (e as Error).message });
      }
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (await sleep(realClock, this.intervalMs, signal)) {
      if (this.mounted.size) await this.checkResizes();
    }
  }

  /** NodeExpandVolume for one volume, never twice at once. */
  private expand(pvName: string, entry: MountedVolume, claim: Claim, pv: Volume): Promise<void> {
    const pending = this.expanding.get(pvName);
    if (pending) return pending;
    const p = this.doExpand(pvName, entry, claim, pv).finally(() => this.expanding.delete(pvName));
    this.expanding.set(pvName, p);
    return p;
  }

  /** Events about a volume go to the pod using it and to its claim, as the kubelet writes them. */
  private report(entry: MountedVolume, claim: Claim, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const pod = [...entry.pods.values()][0];
    const recorder = (this.recorder ??= createEventRecorder(this.client, { component: 'kubelet', host: pod?.spec?.nodeName ?? '' }));
    if (pod) recorder.event(Pods, pod, type, reason, message);
    recorder.event(PersistentVolumeClaims, claim, type, reason, message);
  }

  private async doExpand(pvName: string, entry: MountedVolume, claim: Claim, pv: Volume): Promise<void> {
    const capacity = (pv.spec?.capacity as Record<string, string> | undefined)?.storage ?? volumeCapacity(pv).toString();
    if (entry.refusedFor === capacity) return;
    try {
      await expandMountedImage(entry.dev);
    } catch (e) {
      if (e instanceof OnlineResizeUnavailable) entry.refusedFor = capacity;
      const node = [...entry.pods.values()][0]?.spec?.nodeName ?? '';
      this.report(entry, claim, 'Warning', 'FileSystemResizeFailed', `MountVolume.NodeExpandVolume failed for volume "${pvName}" ${node} : ${(e as Error).message}`);
      throw e;
    }
    await this.finish(pvName, entry, claim, pv);
  }

  /** The filesystem has the PV's size: the claim's capacity follows and the resize is over. */
  private async finish(pvName: string, entry: MountedVolume, claim: Claim, pv: Volume): Promise<void> {
    const capacity = (pv.spec?.capacity as Record<string, string> | undefined)?.storage ?? volumeCapacity(pv).toString();
    let live = claim;
    for (let attempt = 0; ; attempt++) {
      const next = copyForWrite(live);
      markResizeFinished(next, capacity);
      try {
        await this.client.updateStatus(PersistentVolumeClaims, next);
        break;
      } catch (e) {
        if (!isConflict(e) || attempt >= 5) throw e;
        live = await this.client.get<Claim>(PersistentVolumeClaims, entry.claimKey);
      }
    }
    const node = [...entry.pods.values()][0]?.spec?.nodeName ?? '';
    this.report(entry, claim, 'Normal', 'FileSystemResizeSuccessful', `MountVolume.NodeExpandVolume succeeded for volume "${pvName}" ${node}`);
  }
}
