// The Runtime seam of the node agent: the interface every runtime implements, the pluggable
// state store, and the runtimes themselves (sim/ here; linux/ plugs in beside it).
export {
  EXEC_DEADLINE_EXCEEDED, RuntimeError,
  type ContainerConfig, type ContainerDiskUsage, type ExecSyncResult, type PodDiskUsage, type ContainerResources, type ContainerSecurity, type ContainerState, type ContainerStatus, type ImageFsInfo, type ImageStatus, type Mount, type RegistryAuth, type Runtime, type RuntimeImage,
  type RuntimeEvent, type RuntimeVersion, type SandboxConfig, type SandboxFilter, type SandboxState, type SandboxStatus,
} from './types.js';
export { memoryStateStore, type StateStore } from './state.js';
export { simRuntime, SimRuntime, SIM_RUNTIME_VERSION, normalizeImage, simBehaviour, type SimBehaviour, type SimRecord, type SimRuntimeOptions } from './sim/index.js';
