// `berth.dev/local-block`: a volume is a sparse image file `<root>/<pv-name>.img` holding an
// ext4 filesystem, on one node's disk. Unlike a local-path directory it has a real capacity:
// the node mounts it through a loop device, and writing past the size fails with ENOSPC. The
// PV is a `local` volume whose path is the image and whose fsType says how to mount it, with
// node affinity to its node, so `kubectl get pv` reads like any local volume.
//
// Expansion (allowVolumeExpansion) grows the image here, the controller side of a resize; the
// filesystem inside grows on the node, online, where the image is mounted.
//
// Refused as final errors, with what to change: ReadOnlyMany/ReadWriteMany (one node),
// volumeMode Block (the runtime cannot hand a device to a container yet), label selectors, data
// sources, and StorageClass parameters other than `fsType`.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Quantity } from '../../core/index.js';
import { HOSTNAME_LABEL } from '../annotations.js';
import { refuse, refuseUnsupportedClaim } from '../claim-checks.js';
import { pinnedNode } from '../local-path/provisioner.js';
import { readMounts, unmount } from '../mounts.js';
import { requestedStorage, type PersistentVolumeObject } from '../objects.js';
import { ProvisioningError, type ProvisionRequest, type Provisioner } from '../types.js';
import { capacityOf, createImage, FS_TYPES, growImage, imageBytes } from './image.js';
import { detachLoop, loopDevicesOf } from './loop.js';

export const LOCAL_BLOCK_PROVISIONER = 'berth.dev/local-block';

export interface LocalBlockOptions {
  /** Directory holding the images (`<volumes root>/block`). */
  readonly root: string;
  /** Serve only volumes pinned to this node; omitted, every node shares this machine's disk. */
  readonly nodeName?: string;
}

/** The filesystem a class asks for; throws a final error for anything but a known `fsType`. */
export function classFsType(parameters: Readonly<Record<string, string>> | undefined): string {
  let fsType = 'ext4';
  for (const [k, v] of Object.entries(parameters ?? {})) {
    if (k.toLowerCase() !== 'fstype') refuse(`invalid StorageClass parameter "${k}": ${LOCAL_BLOCK_PROVISIONER} takes only "fsType"`);
    if (!(FS_TYPES as readonly string[]).includes(v)) refuse(`unsupported fsType "${v}": ${LOCAL_BLOCK_PROVISIONER} supports ${FS_TYPES.join(', ')}`);
    fsType = v;
  }
  return fsType;
}

/** Unmounts whatever still mounts img's loop device and detaches it. */
async function release(img: string): Promise<void> {
  for (const dev of await loopDevicesOf(img)) {
    for (const m of (await readMounts()).filter((x) => x.source === dev).reverse()) await unmount(m.mountPoint);
    await detachLoop(dev);
  }
}

export function localBlockProvisioner(opts: LocalBlockOptions): Provisioner {
  const imageOf = (pvName: string) => join(opts.root, `${pvName}.img`);
  const ownPath = (pv: PersistentVolumeObject) => !!pv.metadata?.name && pv.spec?.local?.path === imageOf(pv.metadata.name);
  return {
    name: LOCAL_BLOCK_PROVISIONER,

    async provision(req: ProvisionRequest): Promise<PersistentVolumeObject> {
      const { claim, storageClass, pvName, node } = req;
      const spec = claim.spec ?? {};
      refuseUnsupportedClaim(LOCAL_BLOCK_PROVISIONER, claim, 'a local-block volume is attached to one node',
        ' yet: the node cannot pass a raw device to a container');
      const fsType = classFsType(storageClass.parameters);
      const request = requestedStorage(claim);
      if (request.sign() <= 0) refuse('storage request must be greater than zero');
      if (opts.nodeName && node !== opts.nodeName) {
        throw new ProvisioningError(`${LOCAL_BLOCK_PROVISIONER} on node "${opts.nodeName}" cannot create a volume on node "${node}"`, false, true);
      }
      const bytes = imageBytes(request);
      const img = imageOf(pvName);
      try {
        await createImage(img, bytes, fsType);
      } catch (e) {
        throw new ProvisioningError(`creating volume image ${img}: ${(e as Error).message}`);
      }
      return {
        apiVersion: 'v1', kind: 'PersistentVolume',
        metadata: { name: pvName },
        spec: {
          capacity: { storage: capacityOf(bytes) },
          accessModes: [...(spec.accessModes ?? [])],
          volumeMode: 'Filesystem',
          local: { path: img, fsType },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [node] }] }] } },
        },
      };
    },

    async delete(pv: PersistentVolumeObject): Promise<void> {
      const name = pv.metadata?.name ?? '';
      // Never remove anything but the image this provisioner made for this PV.
      if (!ownPath(pv)) throw new Error(`refusing to delete ${pv.spec?.local?.path ?? '(no path)'}: ${LOCAL_BLOCK_PROVISIONER} volumes live at ${imageOf(name)}`);
      const img = imageOf(name);
      await release(img);
      await rm(img, { force: true });
      await rm(`${img}.tmp`, { force: true });
    },

    owns(pv: PersistentVolumeObject): boolean {
      return ownPath(pv) && (!opts.nodeName || pinnedNode(pv) === opts.nodeName);
    },

    async expand(pv: PersistentVolumeObject, size: Quantity) {
      if (!ownPath(pv)) throw new Error(`volume ${pv.metadata?.name ?? ''} is not a ${LOCAL_BLOCK_PROVISIONER} image under ${opts.root}`);
      const bytes = imageBytes(size);
      await growImage(imageOf(pv.metadata!.name!), bytes);
      return { capacity: capacityOf(bytes), nodeExpansionRequired: true };
    },
  };
}
