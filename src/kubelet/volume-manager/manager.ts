// The node's volume manager (PodVolumes): sets up every volume of a pod before its containers
// start and tears down what it made when the pod goes. Per-pod state lives under
// `<root>/<pod uid>/volumes/<type>/<name>`; volumes that point elsewhere (directory claims,
// hostPath) are returned as they are and never removed. Two kinds are mounts under the pod's
// directory: local-block images (loop device + ext4, see block.ts), rbd images (the rbd CLI,
// behind --enable-rbd, see rbd.ts) and Memory-medium emptyDirs (tmpfs). Teardown unmounts
// whatever the kernel says is mounted there, so it also works for mounts an earlier agent made,
// and never removes a directory that is still a mount point.
// Those mounts are made with the root on a shared mount (a self bind made rshared when the
// mount it lives on is not shared, upstream's MakeRShared): a pod started meanwhile gets a
// slave copy, which the host's unmount reaches, so it does not hold the volume after its pod
// is gone. The bind goes once nothing is mounted under the root (after a teardown, on close).
import { mkdir, rm } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import type { Pod, Volume } from 'kubernetes-types/core/v1.js';
import type { ApiClient } from '../../client/index.js';
import type { Logger } from '../../controller-runtime/index.js';
import { mount, mountAt, mountsUnder, readMounts, sharedRoot, unmount, unmountImage, volumeImageOf, type PodObject } from '../../volumes/index.js';
import type { PodVolumes } from '../pods/context.js';
import { BlockVolumes } from './block.js';
import { memoryVolumeBytes } from './empty-dir.js';
import { RBD_KIND, RbdVolumes } from './rbd.js';
import { boundVolume, configMapFiles, downwardFiles, hostPath, secretFiles, VolumeError, volumePath, writeFiles } from './sources.js';

export interface VolumeManagerOptions {
  readonly client: ApiClient;
  /** Per-pod volume directories (e.g. `<data-dir>/pods`). */
  readonly root: string;
  /** Memory a Memory-medium emptyDir may use at most (node allocatable); default this machine's. */
  readonly nodeAllocatableMemory?: bigint;
  /** How often mounted local-block volumes are checked for a pending filesystem resize; default 1000 ms. */
  readonly resizeCheckIntervalMs?: number;
  /** Mount `rbd` volumes (pod and PV) through the rbd CLI (berth up --enable-rbd); default off. */
  readonly enableRbd?: boolean;
  /** The rbd program: a name looked up on PATH at each mount (default `rbd`), or a path. */
  readonly rbdCommand?: string;
  readonly logger?: Logger;
}

const BLOCK_KIND = 'local-block';

export interface VolumeManager extends PodVolumes {
  /** Unmounts the root's shared bind when no pod has a mount under it (pods outlive the agent; theirs stay). */
  close(): Promise<void>;
}

export function volumeManager(opts: VolumeManagerOptions): VolumeManager {
  const { client, root } = opts;
  const shared = sharedRoot(root, opts.logger);
  const block = new BlockVolumes(client, opts.resizeCheckIntervalMs ?? 1000, opts.logger);
  const allocatable = opts.nodeAllocatableMemory ?? BigInt(totalmem());
  const rbd = new RbdVolumes(client, shared, { enabled: opts.enableRbd ?? false, command: opts.rbdCommand });
  if (opts.enableRbd) {
    void rbd.program().then((found) => {
      if (!found) opts.logger?.error('volume manager: rbd volumes are enabled but this node has no rbd CLI; they fail to mount until it is installed (apt-get install ceph-common)');
    });
  }

  async function claimDir(pod: Pod, v: Volume, own: (kind: string) => string, signal: AbortSignal): Promise<string> {
    const { claim, pv } = await boundVolume(client, pod, v.persistentVolumeClaim!.claimName);
    if (pv.spec?.rbd) {
      const ro = v.persistentVolumeClaim!.readOnly ?? false;
      return rbd.setUp(pv.spec.rbd, ro, pod.metadata?.namespace ?? 'default', own(RBD_KIND), pv.spec.mountOptions ?? []);
    }
    const image = await volumeImageOf(pv);
    if (!image) return volumePath(pv);
    const dir = own(BLOCK_KIND);
    await shared.withShared(() => block.setUp(pod as PodObject, claim, pv, image, dir, signal));
    return dir;
  }

  async function emptyDir(pod: Pod, v: Volume, dir: string): Promise<string> {
    await mkdir(dir, { recursive: true });
    const medium = v.emptyDir?.medium ?? '';
    if (medium === '') return dir;
    if (medium !== 'Memory') throw new VolumeError(`emptyDir medium "${medium}" is not supported on this node`);
    const size = memoryVolumeBytes(pod, v, allocatable);
    await shared.withShared(async () => {
      if (!mountAt(await readMounts(), dir)) await mount('tmpfs', dir, 'tmpfs', [`size=${size}`]);
    });
    return dir;
  }

  return {
    async setUp(pod: Pod, signal: AbortSignal): Promise<ReadonlyMap<string, string>> {
      const uid = pod.metadata?.uid ?? '';
      const ns = pod.metadata?.namespace ?? 'default';
      const base = join(root, uid, 'volumes');
      const dirs = new Map<string, string>();
      for (const v of pod.spec?.volumes ?? []) {
        const own = (kind: string) => join(base, kind, v.name);
        try {
          if (v.persistentVolumeClaim) dirs.set(v.name, await claimDir(pod, v, own, signal));
          else if (v.rbd) dirs.set(v.name, await rbd.setUp(v.rbd, v.rbd.readOnly ?? false, ns, own(RBD_KIND)));
          else if (v.hostPath) dirs.set(v.name, await hostPath(v.hostPath.path, v.hostPath.type ?? ''));
          else if (v.emptyDir) dirs.set(v.name, await emptyDir(pod, v, own('empty-dir')));
          else if (v.configMap) dirs.set(v.name, await writeFiles(own('configmap'), await configMapFiles(client, ns, v.configMap)));
          else if (v.secret) dirs.set(v.name, await writeFiles(own('secret'), await secretFiles(client, ns, v.secret)));
          else if (v.downwardAPI) dirs.set(v.name, await writeFiles(own('downward-api'), downwardFiles(pod, v.downwardAPI)));
          else if (v.projected) {
            const files = new Map();
            for (const s of v.projected.sources ?? []) {
              if (s.configMap) for (const [k, f] of await configMapFiles(client, ns, s.configMap)) files.set(k, f);
              if (s.secret) for (const [k, f] of await secretFiles(client, ns, s.secret)) files.set(k, f);
              if (s.downwardAPI) for (const [k, f] of downwardFiles(pod, s.downwardAPI)) files.set(k, f);
            }
            dirs.set(v.name, await writeFiles(own('projected'), files));
          } else throw new VolumeError(`volume type of "${v.name}" is not supported on this node`);
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          throw new VolumeError(`MountVolume.SetUp failed for volume "${v.name}" : ${msg.replace(/^MountVolume\.SetUp failed for volume "[^"]*": /, '')}`);
        }
      }
      return dirs;
    },
    async tearDown(podUid: string): Promise<void> {
      // Only the pod's own directory: claim and hostPath data live elsewhere and stay.
      if (!podUid || podUid.includes('/') || podUid.includes('..')) return;
      const dir = join(root, podUid);
      await rbd.tearDown(join(dir, 'volumes'));
      for (const m of mountsUnder(await readMounts(), dir)) {
        if (m.mountPoint.includes(`/volumes/${BLOCK_KIND}/`)) await unmountImage(m.mountPoint);
        else await unmount(m.mountPoint);
      }
      block.forgetPod(podUid);
      // rm would follow into a mount that is still there and delete the volume's data.
      const left = mountsUnder(await readMounts(), dir);
      if (left.length) throw new Error(`volumes of pod ${podUid} are still mounted (${left.map((m) => m.mountPoint).join(', ')}); keeping its directory`);
      await rm(dir, { recursive: true, force: true });
      // The pod is gone either way; a bind that cannot go yet goes with a later teardown.
      await shared.releaseIfUnused().catch((e: Error) => opts.logger?.error('volume manager: unmounting the shared bind of the pods directory failed', { dir: root, error: e.message }));
    },
    close: () => shared.releaseIfUnused(),
  };
}
