// In-tree deleters for statically created PVs with reclaimPolicy Delete (upstream
// findDeletablePlugin + the host_path deleter). Only hostPath has one, and it refuses any path
// not under /tmp — upstream's rule, for local development only. Everything else has no
// deleter, and the binder marks such a PV Failed with the error as upstream does.
import { rm } from 'node:fs/promises';
import type { PersistentVolumeObject } from './objects.js';

export interface VolumeDeleter {
  readonly pluginName: string;
  delete(): Promise<void>;
}

/** Go's regexp.MatchString("/tmp/.+", path): unanchored, as upstream matches it. */
const TMP = /\/tmp\/.+/;

/**
 * The deleter for a PV that no external provisioner owns. Throws with upstream's message when
 * there is none.
 */
export function findStaticDeleter(pv: PersistentVolumeObject): VolumeDeleter {
  const hostPath = pv.spec?.hostPath?.path;
  if (hostPath !== undefined) {
    return {
      pluginName: 'kubernetes.io/host-path',
      async delete() {
        if (!TMP.test(hostPath)) throw new Error(`host_path deleter only supports /tmp/.+ but received provided ${hostPath}`);
        await rm(hostPath, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`error getting deleter volume plugin for volume "${pv.metadata?.name ?? ''}": no deletable volume plugin matched`);
}
