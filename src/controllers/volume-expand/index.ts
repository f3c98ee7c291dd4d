// Volume expansion, controller side: kube-controller-manager's expand controller and the
// external-resizer of Berth's own provisioners in one. When a user raises
// spec.resources.requests.storage on a Bound claim (admission has checked that its class
// allows expansion, and that it does not shrink):
// - `ExternalExpanding` ("waiting for an external controller to expand this PVC"), from
//   volume_expand, as upstream says for every volume without an in-tree expander;
// - if one of our provisioners made the PV and can grow it: `Resizing` ("External resizer is
//   resizing volume <pv>"), status ControllerResizeInProgress, the storage grows, the PV's
//   capacity follows, then NodeResizePending + condition FileSystemResizePending and
//   `FileSystemResizeRequired`: the node agent grows the filesystem where the volume is mounted
//   and writes the claim's new capacity (see kubelet/volume-manager).
// A failure is a `VolumeResizeFailed` warning and a retry with backoff.
import { hostname } from 'node:os';
import { isConflict, parseQuantity, PersistentVolumeClaims, PersistentVolumes } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { ControllerSpec, InformerSet, Reconciler, Watch } from '../../controller-runtime/index.js';
import {
  ANN_PROVISIONED_BY, berthProvisioners, controllerResizeTarget, copyForWrite, createEventRecorder, markControllerResizeInProgress,
  markNodeResizePending, markResizeFinished, volumeCapacity, CONTROLLER_RESIZE_IN_PROGRESS, type EventRecorder,
  type PersistentVolumeClaimObject as Claim, type PersistentVolumeObject as Volume, type Provisioner,
} from '../../volumes/index.js';

export interface VolumeExpandOptions {
  /** The volumes root the provisioners serve (as the provisioner controller's `root`). */
  readonly root?: string;
  /** Serve only volumes of this node; default: every node. */
  readonly nodeName?: string;
  /** Default: Berth's provisioners under `root`. */
  readonly provisioners?: readonly Provisioner[];
  readonly now?: () => Date;
}

const MAX_CONFLICTS = 5;

/** Applies `change` to the live claim's status and writes it; retries on conflict. */
async function writeClaimStatus(client: ApiClient, claim: Claim, change: (c: Claim) => void): Promise<Claim> {
  const key = { namespace: claim.metadata?.namespace, name: claim.metadata?.name ?? '' };
  let live = claim;
  for (let attempt = 0; ; attempt++) {
    const next = copyForWrite(live);
    change(next);
    try {
      return await client.updateStatus(PersistentVolumeClaims, next);
    } catch (e) {
      if (!isConflict(e) || attempt >= MAX_CONFLICTS) throw e;
      live = await client.get<Claim>(PersistentVolumeClaims, key);
    }
  }
}

async function writeVolumeCapacity(client: ApiClient, pv: Volume, capacity: string): Promise<void> {
  let live = pv;
  for (let attempt = 0; ; attempt++) {
    const next = copyForWrite(live);
    next.spec = { ...next.spec, capacity: { ...next.spec?.capacity, storage: capacity } };
    try {
      await client.update(PersistentVolumes, next);
      return;
    } catch (e) {
      if (!isConflict(e) || attempt >= MAX_CONFLICTS) throw e;
      live = await client.get<Volume>(PersistentVolumes, { name: pv.metadata?.name ?? '' });
    }
  }
}

export function volumeExpandController(opts: VolumeExpandOptions = {}): (client: ApiClient, informers: InformerSet) => ControllerSpec {
  return (client, informers) => {
    const now = opts.now ?? (() => new Date());
    const provisioners = opts.provisioners ?? berthProvisioners(opts.root, opts.nodeName);
    const instance = opts.nodeName ?? hostname();
    const expandController = createEventRecorder(client, { component: 'volume_expand' });
    const resizers = new Map<string, { provisioner: Provisioner; recorder: EventRecorder }>();
    for (const p of provisioners) {
      if (p.expand) resizers.set(p.name, { provisioner: p, recorder: createEventRecorder(client, { component: `external-resizer ${p.name}`, host: instance }) });
    }
    const claimInf = informers.informerFor<Claim>(PersistentVolumeClaims);
    const pvInf = informers.informerFor<Volume>(PersistentVolumes);

    const reconciler: Reconciler = {
      async reconcile(req) {
        const claim = claimInf.lister.get({ namespace: req.namespace, name: req.name });
        const target = claim && controllerResizeTarget(claim);
        if (!claim || !target) return {};
        const pvName = claim.spec!.volumeName!;
        const pv = pvInf.lister.get({ name: pvName }) ?? await client.get<Volume>(PersistentVolumes, { name: pvName });
        const resizer = resizers.get(pv.metadata?.annotations?.[ANN_PROVISIONED_BY] ?? '');
        const started = (claim.status?.allocatedResourceStatuses as Record<string, string> | undefined)?.storage === CONTROLLER_RESIZE_IN_PROGRESS;
        if (!started) expandController.event(PersistentVolumeClaims, claim, 'Normal', 'ExternalExpanding', 'waiting for an external controller to expand this PVC');
        if (!resizer || !resizer.provisioner.owns(pv)) return {};
        const { provisioner, recorder } = resizer;
        const size = parseQuantity(target);

        let live = claim;
        if (volumeCapacity(pv).cmp(size) < 0) {
          recorder.event(PersistentVolumeClaims, claim, 'Normal', 'Resizing', `External resizer is resizing volume ${pvName}`);
          if (!started || (claim.status?.allocatedResources as Record<string, string> | undefined)?.storage !== target) {
            live = await writeClaimStatus(client, live, (c) => markControllerResizeInProgress(c, target, now()));
          }
          let result: { capacity: string; nodeExpansionRequired: boolean };
          try {
            result = await provisioner.expand!(pv, size);
          } catch (e) {
            recorder.event(PersistentVolumeClaims, claim, 'Warning', 'VolumeResizeFailed',
              `resize volume "${pvName}" by resizer "${provisioner.name}" failed: ${(e as Error).message}`);
            throw e;
          }
          await writeVolumeCapacity(client, pv, result.capacity);
          if (!result.nodeExpansionRequired) {
            await writeClaimStatus(client, live, (c) => markResizeFinished(c, result.capacity));
            recorder.event(PersistentVolumeClaims, claim, 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded');
            return {};
          }
        }
        // The storage is as large as asked (now, or before a restart): the filesystem is the node's part.
        await writeClaimStatus(client, live, (c) => {
          (c.status ??= {}).allocatedResources = { ...(c.status.allocatedResources as Record<string, string> | undefined), storage: target };
          markNodeResizePending(c, now());
        });
        recorder.event(PersistentVolumeClaims, claim, 'Normal', 'FileSystemResizeRequired', 'Require file system resize of volume on node');
        return {};
      },
    };

    const claimWatch: Watch<Claim> = {
      informer: claimInf,
      toRequests: (c) => (controllerResizeTarget(c) ? [{ namespace: c.metadata?.namespace, name: c.metadata?.name ?? '' }] : []),
    };
    // Volumes are only read; watched so the cache is synced before the first resize.
    const volumeWatch: Watch<Volume> = { informer: pvInf, toRequests: () => [] };
    return { name: 'volume-expand', reconciler, watches: [claimWatch, volumeWatch] as unknown as Watch[] };
  };
}

/** The resize controller with default options, as a controller factory. */
export const volumeExpand = volumeExpandController();
