// Public surface of cluster: assembling a whole cluster in one process.
export { startCluster, type ClusterContext, type ClusterOptions, type Component, type RunningCluster } from './start.js';
export { inProcessClient } from './in-process.js';
export { kubeconfigYaml, mergeKubeconfig, writeKubeconfig, type KubeconfigEntry } from './kubeconfig.js';
export { LOCAL_PATH_CLASS, SYSTEM_NAMESPACES } from './bootstrap.js';
export { controllerManager, defaultControllers, type ControllerFactory, type ControllerOptions } from './controllers.js';
export { CLUSTER_DNS_IP, SERVICE_CIDR, kubeDnsObjects } from './network.js';
export { DEFAULT_POD_CIDR, linuxNodeSet, normalizePodCidr, simNodeSet, type LinuxNodeOptions, type NodeSet } from './nodes.js';
export { localPodStreams, type RuntimeLookup } from './pod-streams.js';
export { stopLeftoverPods } from './teardown.js';
