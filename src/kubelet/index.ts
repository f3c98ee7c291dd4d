// Public surface of the node agent (kubelet): the agent component, the sim-node convenience,
// and the Runtime seam every runtime (sim/, linux/) plugs into.
export { nodeAgent, defaultCapacity, type AgentComponent, type NodeAgentOptions } from './agent.js';
export { simNodes, simNodeName, simPodCIDR, SIM_NODE_CAPACITY, type SimNodeOptions } from './sim-nodes.js';
export type { PodVolumes } from './pods/context.js';
export { DEFAULT_IMAGE_GC_POLICY, ImageGcManager, runImageGc, type ImageGcPolicy, type ImageRuntime } from './image-gc.js';
export { KUBELET_VERSION } from './node/node-object.js';
export { NODE_LEASE_NAMESPACE, LEASE_DURATION_SECONDS } from './node/lease.js';
export {
  memoryStateStore, normalizeImage, RuntimeError, simBehaviour, simRuntime, SimRuntime, SIM_RUNTIME_VERSION,
  type ContainerConfig, type ContainerResources, type ContainerSecurity, type ContainerState, type ContainerStatus, type ImageStatus, type Mount, type Runtime, type RuntimeEvent,
  type RuntimeVersion, type SandboxConfig, type SandboxFilter, type SandboxState, type SandboxStatus, type SimBehaviour, type SimRecord,
  type SimRuntimeOptions, type StateStore,
} from './runtime/index.js';
export {
  LinuxRuntime, linuxRuntime, preflight, formatPreflight, RUNTIME_PACKAGES,
  attachContainer, execInContainer, portForward, containerLog, followContainerLog, parseCidr, gatewayOf, toDotted, type Cidr, type LinuxRuntimeOptions, type PreflightProblem,
} from './runtime/linux/index.js';
export { volumeManager, VolumeError, type VolumeManagerOptions } from './volume-manager/index.js';
