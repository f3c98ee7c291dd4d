// Provisioning one claim, the way an out-of-tree provisioner does it (sig-storage-lib-
// external-provisioner: shouldProvision + provisionClaimOperation), for the claims the binder
// has handed to one of ours by annotating them with the provisioner's name (F5/F6):
// - WaitForFirstConsumer: only once `volume.kubernetes.io/selected-node` names a node this
//   controller serves (F11); Immediate: on this controller's own node;
// - the PV is `pvc-<claim uid>` (F7); if it exists, there is nothing to do (F9);
// - events on the claim: Provisioning, then ProvisioningSucceeded or ProvisioningFailed
//   ("failed to provision volume with StorageClass ...: <why>"). A claim the provisioner can
//   never satisfy (RWX from local-path, a selector, ...) is not retried until it changes.
import { isAlreadyExists, isNotFound, PersistentVolumeClaims, PersistentVolumes } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import { TerminalError } from '../../controller-runtime/index.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER,
  PV_DELETION_PROTECTION_FINALIZER, ProvisioningError, claimClass, keyOfClaim, type EventRecorder,
  type PersistentVolumeClaimObject as Claim, type PersistentVolumeObject as Volume, type Provisioner, type StorageClassObject, copyForWrite,
} from '../../volumes/index.js';

export interface ProvisionContext {
  readonly client: ApiClient;
  /** The provisioner serving a name, with the recorder its events are written through. */
  serving(name: string | undefined): { provisioner: Provisioner; recorder: EventRecorder } | undefined;
  storageClass(name: string): StorageClassObject | undefined;
  volumeCached(name: string): boolean;
  /** Whether a WaitForFirstConsumer volume for this node is ours to create. */
  servesNode(node: string): boolean;
  /** The node Immediate-class volumes go to, or undefined when this instance does not make them. */
  readonly immediateNode: string | undefined;
}

/** The provisioner a claim was handed to (the GA annotation, else the beta one). */
export const requestedProvisioner = (claim: Claim): string | undefined =>
  claim.metadata?.annotations?.[ANN_STORAGE_PROVISIONER] ?? claim.metadata?.annotations?.[ANN_BETA_STORAGE_PROVISIONER];

async function volumeExists(ctx: ProvisionContext, name: string): Promise<boolean> {
  if (ctx.volumeCached(name)) return true;
  try {
    await ctx.client.get(PersistentVolumes, { name });
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/** The plugin's PV, completed with what every provisioned PV carries (F7). */
function completeVolume(pv: Volume, claim: Claim, sc: StorageClassObject, provisioner: string): Volume {
  const policy = sc.reclaimPolicy ?? 'Delete';
  const out = copyForWrite(pv);
  const meta = (out.metadata ??= {});
  meta.annotations = { ...meta.annotations, [ANN_PROVISIONED_BY]: provisioner, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
  // Held until the storage is gone, so deleting the PV object never leaks the directory.
  if (policy === 'Delete') meta.finalizers = [...(meta.finalizers ?? []), PV_DELETION_PROTECTION_FINALIZER];
  const spec = (out.spec ??= {});
  spec.claimRef = {
    kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata?.namespace, name: claim.metadata?.name,
    uid: claim.metadata?.uid, resourceVersion: claim.metadata?.resourceVersion,
  };
  spec.storageClassName = claimClass(claim);
  spec.persistentVolumeReclaimPolicy = policy;
  if (sc.mountOptions?.length) spec.mountOptions = [...sc.mountOptions];
  return out;
}

export async function provisionClaim(ctx: ProvisionContext, claim: Claim): Promise<void> {
  if (claim.metadata?.deletionTimestamp || claim.spec?.volumeName) return;
  const serving = ctx.serving(requestedProvisioner(claim));
  if (!serving) return;
  const { provisioner, recorder } = serving;
  const sc = ctx.storageClass(claimClass(claim));
  if (!sc) return; // the binder reports a missing class; a new class re-queues the claim
  let node: string | undefined;
  if (sc.volumeBindingMode === 'WaitForFirstConsumer') {
    node = claim.metadata?.annotations?.[ANN_SELECTED_NODE];
    if (!node || !ctx.servesNode(node)) return;
  } else {
    node = ctx.immediateNode;
    if (!node) return;
  }
  const pvName = `pvc-${claim.metadata?.uid ?? ''}`;
  if (await volumeExists(ctx, pvName)) return;

  recorder.event(PersistentVolumeClaims, claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${keyOfClaim(claim)}"`);
  let made: Volume;
  try {
    made = await provisioner.provision({ pvName, claim, storageClass: sc, node });
  } catch (e) {
    const message = `failed to provision volume with StorageClass "${sc.metadata?.name ?? ''}": ${(e as Error).message}`;
    recorder.event(PersistentVolumeClaims, claim, 'Warning', 'ProvisioningFailed', message);
    if (e instanceof ProvisioningError && e.reschedule) await forgetSelectedNode(ctx.client, claim);
    if (e instanceof ProvisioningError && e.final) throw new TerminalError(message, { cause: e });
    throw e;
  }
  const pv = completeVolume(made, claim, sc, provisioner.name);
  try {
    await ctx.client.create(PersistentVolumes, pv);
  } catch (e) {
    if (!isAlreadyExists(e)) {
      // No PV object means nobody would ever delete this storage: remove it now.
      await provisioner.delete(pv).catch(() => {});
      recorder.event(PersistentVolumeClaims, claim, 'Warning', 'ProvisioningFailed',
        `Error creating provisioned PV object for claim ${keyOfClaim(claim)}: ${(e as Error).message}. Deleting the volume.`);
      throw e;
    }
  }
  recorder.event(PersistentVolumeClaims, claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
}

/** Lets the scheduler pick another node (upstream rescheduleProvisioning). */
async function forgetSelectedNode(client: ApiClient, claim: Claim): Promise<void> {
  const next = copyForWrite(claim);
  const annotations = { ...next.metadata?.annotations };
  if (!(ANN_SELECTED_NODE in annotations)) return;
  delete annotations[ANN_SELECTED_NODE];
  next.metadata!.annotations = annotations;
  try {
    await client.update(PersistentVolumeClaims, next);
  } catch {
    // best-effort, as upstream: the next failure tries again
  }
}
