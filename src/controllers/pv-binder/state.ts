// Everything one binder sync reads and writes: the cached PVs and claims (with the index and
// the waiting list built on them), the class, node and pod caches, and the event recorder.
import type { Lister } from '../../controller-runtime/index.js';
import type { NodeObject, PersistentVolumeClaimObject, PodObject, StorageClassObject } from '../../volumes/index.js';
import type { BinderContext } from './bind.js';
import type { VolumeIndex } from './volume-index.js';
import type { WaitingClaims } from './waiting.js';

export interface BinderState extends BinderContext {
  readonly index: VolumeIndex;
  readonly waiting: WaitingClaims;
  readonly classes: Lister<StorageClassObject>;
  readonly nodes: Lister<NodeObject>;
  /** Pods whose volumes name the claim (persistentVolumeClaim or generic ephemeral). */
  podsUsing(claim: PersistentVolumeClaimObject): readonly PodObject[];
}

/** Unbound claims are looked at again this often (upstream --pvclaimbinder-sync-period). */
export const RESYNC_MS = 15_000;
