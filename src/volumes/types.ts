// The two seams between Kubernetes objects and real storage (DESIGN "Key interfaces"):
// - VolumePlugin: what the node agent calls to make a volume appear in a pod's directory;
// - Provisioner: what the provisioner controller calls to create and delete the storage
//   behind a dynamically provisioned PV. One implementation per StorageClass provisioner
//   name (`berth.dev/local-path`, `berth.dev/local-block`).
import type { Volume } from 'kubernetes-types/core/v1.js';
import type { Quantity } from '../core/index.js';
import type { PersistentVolumeClaimObject, PersistentVolumeObject, PodObject, StorageClassObject } from './objects.js';

/** One volume of a pod as a plugin sees it: the pod's entry and, for a claim, its bound PV. */
export interface VolumeSpec {
  readonly volume: Volume;
  readonly persistentVolume?: PersistentVolumeObject;
  readonly readOnly: boolean;
}

export interface VolumePlugin {
  /** Upstream-style plugin name, e.g. `kubernetes.io/host-path`. */
  readonly name: string;
  canSupport(spec: VolumeSpec): boolean;
  /** Makes the volume's content visible at dir (created by the caller); idempotent. */
  setUp(spec: VolumeSpec, pod: PodObject, dir: string): Promise<void>;
  /** Undoes setUp; idempotent, and safe on a dir that was never set up. */
  tearDown(dir: string): Promise<void>;
}

export interface ProvisionRequest {
  /** The name the PV must carry (`pvc-<claim uid>`), so a retried provision finds its own work. */
  readonly pvName: string;
  readonly claim: PersistentVolumeClaimObject;
  readonly storageClass: StorageClassObject;
  /** The node picked for a WaitForFirstConsumer claim, or the provisioner's own node. */
  readonly node: string;
}

export interface Provisioner {
  /** The StorageClass `provisioner` value it serves. */
  readonly name: string;
  /**
   * Creates the storage and returns the PV describing it (spec and annotations the plugin
   * owns; the controller adds claimRef, class, reclaim policy and bookkeeping). Idempotent
   * for the same pvName. Throws ProvisioningError.
   */
  provision(req: ProvisionRequest): Promise<PersistentVolumeObject>;
  /** Removes the storage behind pv; a missing asset is success. */
  delete(pv: PersistentVolumeObject): Promise<void>;
  /** Whether this instance holds pv's storage (a node-local provisioner deletes only its own). */
  owns(pv: PersistentVolumeObject): boolean;
  /**
   * Grows the storage behind pv to hold at least `size` (the controller side of a resize, as
   * CSI ControllerExpandVolume). Returns the new capacity and whether the filesystem still has
   * to grow on the node. Absent: this provisioner's volumes cannot grow.
   */
  expand?(pv: PersistentVolumeObject, size: Quantity): Promise<{ capacity: string; nodeExpansionRequired: boolean }>;
}

/**
 * A failed provision. `final`: retrying the same request cannot succeed (the claim asks for
 * something this provisioner cannot give); `reschedule`: another node might succeed, so the
 * selected-node annotation should go.
 */
export class ProvisioningError extends Error {
  constructor(message: string, readonly final = false, readonly reschedule = false) {
    super(message);
    this.name = 'ProvisioningError';
  }
}
