// `berth.dev/local-path`: a volume is the directory `<root>/<pv-name>` on one node's disk, the
// PV a `local` volume with node affinity to that node. No helper pods: the directory is made
// and removed in-process, so `root` must be on the disk of the node(s) this instance serves.
//
// It cannot honour what a single directory cannot give, and says what to change instead:
// ReadOnlyMany/ReadWriteMany (one node only), volumeMode Block, label selectors, data sources,
// mount options and StorageClass parameters are refused as final errors.
import { chmod, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HOSTNAME_LABEL } from '../annotations.js';
import { refuse, refuseUnsupportedClaim } from '../claim-checks.js';
import type { PersistentVolumeObject } from '../objects.js';
import { ProvisioningError, type ProvisionRequest, type Provisioner } from '../types.js';

export const LOCAL_PATH_PROVISIONER = 'berth.dev/local-path';

export interface LocalPathOptions {
  /** Directory holding one sub-directory per volume. */
  readonly root: string;
  /** Serve only volumes pinned to this node; omitted, every node shares this machine's disk. */
  readonly nodeName?: string;
}

/** The node a local PV is pinned to by a single `kubernetes.io/hostname In [node]` term. */
export function pinnedNode(pv: PersistentVolumeObject): string | undefined {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const e of t.matchExpressions ?? []) {
      if (e.key === HOSTNAME_LABEL && e.operator === 'In' && e.values?.length === 1) return e.values[0];
    }
  }
  return undefined;
}

export function localPathProvisioner(opts: LocalPathOptions): Provisioner {
  const dirOf = (pvName: string) => join(opts.root, pvName);
  return {
    name: LOCAL_PATH_PROVISIONER,

    async provision(req: ProvisionRequest): Promise<PersistentVolumeObject> {
      const { claim, storageClass, pvName, node } = req;
      const spec = claim.spec ?? {};
      refuseUnsupportedClaim(LOCAL_PATH_PROVISIONER, claim, 'a local-path volume is a directory on one node\'s disk', ': it provides directories');
      const params = Object.keys(storageClass.parameters ?? {});
      if (params.length) refuse(`invalid StorageClass parameter "${params[0]}": ${LOCAL_PATH_PROVISIONER} takes no parameters`);
      if (storageClass.mountOptions?.length) refuse(`${LOCAL_PATH_PROVISIONER} does not support mount options; remove mountOptions from StorageClass "${storageClass.metadata?.name ?? ''}"`);
      if (opts.nodeName && node !== opts.nodeName) {
        throw new ProvisioningError(`${LOCAL_PATH_PROVISIONER} on node "${opts.nodeName}" cannot create a volume on node "${node}"`, false, true);
      }

      const dir = dirOf(pvName);
      try {
        await mkdir(dir, { recursive: true });
        // Any container user may write, whatever the process umask was.
        await chmod(dir, 0o777);
      } catch (e) {
        throw new ProvisioningError(`creating directory ${dir}: ${(e as Error).message}`);
      }
      const storage = (spec.resources?.requests as Record<string, string> | undefined)?.storage ?? '0';
      return {
        apiVersion: 'v1', kind: 'PersistentVolume',
        metadata: { name: pvName },
        spec: {
          capacity: { storage },
          accessModes: [...(spec.accessModes ?? [])],
          volumeMode: 'Filesystem',
          local: { path: dir },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [node] }] }] } },
        },
      };
    },

    async delete(pv: PersistentVolumeObject): Promise<void> {
      const name = pv.metadata?.name ?? '';
      const path = pv.spec?.local?.path ?? pv.spec?.hostPath?.path;
      const expected = dirOf(name);
      // Never remove anything but the directory this provisioner made for this PV.
      if (!name || path !== expected) throw new Error(`refusing to delete ${path ?? '(no path)'}: ${LOCAL_PATH_PROVISIONER} volumes live at ${expected}`);
      await rm(expected, { recursive: true, force: true });
    },

    owns(pv: PersistentVolumeObject): boolean {
      const path = pv.spec?.local?.path ?? pv.spec?.hostPath?.path;
      if (path !== dirOf(pv.metadata?.name ?? '')) return false;
      return !opts.nodeName || pinnedNode(pv) === opts.nodeName;
    },
  };
}
