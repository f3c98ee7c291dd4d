// Public surface of testing: clusters and real client binaries for tests.
export { startTestCluster, type TestCluster, type TestClusterOptions } from './cluster.js';
export { helmPath, kubectlPath, KUBECTL_VERSIONS, type KubectlVersion } from './binaries.js';
export { kubectl, kubectlEnv, runProcess, type Kubectl, type RunResult } from './kubectl.js';
