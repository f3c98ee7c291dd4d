// The node agent's eviction manager: pods whose local ephemeral storage breaks a limit
// (emptyDir sizeLimit, ephemeral-storage limits of containers and of the pod) are evicted.
export { EvictionManager, DEFAULT_EVICTION_MONITORING_PERIOD_MS, IMMEDIATE_EVICTION_GRACE_PERIOD_SECONDS, type EvictionManagerOptions } from './manager.js';
export {
  EVICTED_REASON, containerMessage, emptyDirMessage, hasLocalStorageLimits, isCriticalPod, localStorageEviction, podEphemeralStorageLimit, podMessage,
  podStorageUsage, type LocalStorageEviction, type LocalStorageSignal, type PodStorageUsage,
} from './limits.js';
export { trackVolumeDirs, type TrackedVolumes } from './volume-dirs.js';
