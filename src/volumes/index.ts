// Public surface of volumes: the storage seams (VolumePlugin, Provisioner), the local-path
// provisioner, in-tree deleters for static PVs, and the pure PV/PVC/pod helpers and
// annotation names every storage controller shares. Also the Event recorder the storage
// controllers write with (a candidate to move into controller-runtime).
export * from './annotations.js';
export * from './objects.js';
export { volumeFitsNode, termMatches as nodeSelectorTermMatches } from './node-affinity.js';
export { ProvisioningError, type ProvisionRequest, type Provisioner, type VolumePlugin, type VolumeSpec } from './types.js';
export { findStaticDeleter, type VolumeDeleter } from './deleters.js';
export { LOCAL_PATH_PROVISIONER, localPathProvisioner, pinnedNode, type LocalPathOptions } from './local-path/provisioner.js';
export { createEventRecorder, type EventRecorder, type EventRecorderOptions, type EventSource, type EventType } from './event-recorder.js';
