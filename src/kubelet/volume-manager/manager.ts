// The node's volume manager (PodVolumes): sets up every volume of a pod before its containers
// start and tears down what it made when the pod goes. Per-pod state lives under
// `<root>/<pod uid>/volumes/<type>/<name>`; volumes that point elsewhere (claims, hostPath) are
// returned as they are and never removed.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ApiClient } from '../../client/index.js';
import type { PodVolumes } from '../pods/context.js';
import { claimPath, configMapFiles, downwardFiles, hostPath, secretFiles, VolumeError, writeFiles } from './sources.js';

export interface VolumeManagerOptions {
  readonly client: ApiClient;
  /** Per-pod volume directories (e.g. `<data-dir>/pods`). */
  readonly root: string;
}

export function volumeManager(opts: VolumeManagerOptions): PodVolumes {
  const { client, root } = opts;
  return {
    async setUp(pod: Pod): Promise<ReadonlyMap<string, string>> {
      const uid = pod.metadata?.uid ?? '';
      const ns = pod.metadata?.namespace ?? 'default';
      const base = join(root, uid, 'volumes');
      const dirs = new Map<string, string>();
      for (const v of pod.spec?.volumes ?? []) {
        const own = (kind: string) => join(base, kind, v.name);
        try {
          if (v.persistentVolumeClaim) dirs.set(v.name, await claimPath(client, pod, v.persistentVolumeClaim.claimName));
          else if (v.hostPath) dirs.set(v.name, await hostPath(v.hostPath.path, v.hostPath.type ?? ''));
          else if (v.emptyDir) dirs.set(v.name, await writeFilesOnce(own('empty-dir')));
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
      await rm(join(root, podUid), { recursive: true, force: true });
    },
  };
}

async function writeFilesOnce(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}
