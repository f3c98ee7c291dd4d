// The names PV/PVC machinery agrees on: annotations, finalizers, well-known values
// (upstream component-helpers/storage/volume). Every storage controller and the scheduler
// read and write these, so they live in one place.

/** On a claim: binding has passed its first stage; decides bound vs unbound sync (E4). */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** On a PV or claim: the binding was made by a controller, not pre-bound by a user. */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** On a provisioned PV: the provisioner that created it. */
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
/** On a claim: the provisioner asked to create its volume (both spellings are written, F5). */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/** On a claim: the node the scheduler picked for a WaitForFirstConsumer claim. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** Legacy class annotation; wins over spec.storageClassName on claims and volumes (E5). */
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
/** On a PV: handed over to a CSI driver; the in-tree controller stands down. */
export const ANN_MIGRATED_TO = 'pv.kubernetes.io/migrated-to';

export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';
/** Held by an out-of-tree provisioner on its Delete-policy PVs until the storage is gone. */
export const PV_DELETION_PROTECTION_FINALIZER = 'external-provisioner.volume.kubernetes.io/finalizer';

/** A class whose volumes are only ever created by hand. */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
/** The node label local volumes pin themselves to. */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
