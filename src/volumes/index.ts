// Public surface of volumes: the storage seams (VolumePlugin, Provisioner), the local-path and
// local-block provisioners, the node side of local-block images (loop devices, mounts) and of
// rbd volumes (the rbd CLI), claim status during a resize, in-tree deleters for static PVs, and
// the pure PV/PVC/pod helpers and annotation names every storage controller shares. Also the Event recorder the storage
// controllers write with (a candidate to move into controller-runtime).
export * from './annotations.js';
export * from './objects.js';
export { volumeFitsNode, termMatches as nodeSelectorTermMatches } from './node-affinity.js';
export { ProvisioningError, type ProvisionRequest, type Provisioner, type VolumePlugin, type VolumeSpec } from './types.js';
export { findStaticDeleter, type VolumeDeleter } from './deleters.js';
export { LOCAL_PATH_PROVISIONER, localPathProvisioner, pinnedNode, type LocalPathOptions } from './local-path/provisioner.js';
export {
  LOCAL_BLOCK_PROVISIONER, localBlockProvisioner, classFsType, type LocalBlockOptions,
} from './local-block/provisioner.js';
export { berthProvisioners, DEFAULT_VOLUMES_ROOT } from './provisioners.js';
export {
  volumeImageOf, mountImage, unmountImage, expandMountedImage, OnlineResizeUnavailable, type MountedImage, type VolumeImage,
} from './local-block/node.js';
export { loopDevicesOf } from './local-block/loop.js';
export { imageBytes, capacityOf } from './local-block/image.js';
export { parseMountInfo, readMounts, mountsUnder, mountAt, mountOf, isShared, mount, unmount, run as runTool, type MountEntry } from './mounts.js';
export * from './resize.js';
export { createEventRecorder, type EventRecorder, type EventRecorderOptions, type EventSource, type EventType } from './event-recorder.js';
export {
  mountRbd, unmountRbd, recordedRbdDirs, mappedDevice, showMapped, rbdMapArgs, parseShowMapped, parseBlkid, RBD_DEFAULTS, RbdCommandError,
  type RbdMapping, type RbdVolume,
} from './rbd.js';
export { sharedRoot, isSelfBind, unmountAllUnder, type SharedRoot } from './node-mounts.js';
