// Hand-written facts that `kubernetes-types` does not carry, read by scripts/gen-schema.ts.
// Keys are `<Go type name>.<json field>`; the Go type name is the TypeScript interface name.
// Pure data: the runtime never reads this file, only the generator (and its up-to-date test).

/** Modules of `kubernetes-types` that hold reachable definitions, and their OpenAPI name prefix. */
export const MODULE_PREFIX: Readonly<Record<string, string>> = {
  'core/v1': 'io.k8s.api.core.v1',
  'apps/v1': 'io.k8s.api.apps.v1',
  'storage/v1': 'io.k8s.api.storage.v1',
  'coordination/v1': 'io.k8s.api.coordination.v1',
  'discovery/v1': 'io.k8s.api.discovery.v1',
  'autoscaling/v1': 'io.k8s.api.autoscaling.v1',
  'policy/v1': 'io.k8s.api.policy.v1',
  'meta/v1': 'io.k8s.apimachinery.pkg.apis.meta.v1',
  'runtime': 'io.k8s.apimachinery.pkg.runtime',
  'api/resource': 'io.k8s.apimachinery.pkg.api.resource',
};

export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** Roots: every served kind, its list, and the kinds the API server reads or writes besides. */
export const ROOTS: readonly string[] = [
  ...['Namespace', 'Node', 'Pod', 'Service', 'Endpoints', 'Event', 'ConfigMap', 'Secret',
    'ServiceAccount', 'PersistentVolume', 'PersistentVolumeClaim'].flatMap((k) => [`core/v1:${k}`, `core/v1:${k}List`]),
  'storage/v1:StorageClass', 'storage/v1:StorageClassList',
  'apps/v1:StatefulSet', 'apps/v1:StatefulSetList', 'apps/v1:ControllerRevision', 'apps/v1:ControllerRevisionList',
  'coordination/v1:Lease', 'coordination/v1:LeaseList',
  'discovery/v1:EndpointSlice', 'discovery/v1:EndpointSliceList',
  'autoscaling/v1:Scale', 'policy/v1:Eviction', 'core/v1:Binding',
  'meta/v1:DeleteOptions', 'meta/v1:Status', 'meta/v1:WatchEvent', 'meta/v1:Patch',
  'meta/v1:APIResourceList', 'meta/v1:APIGroupList', 'meta/v1:APIVersions',
];

/** Group-versions whose DeleteOptions / WatchEvent the server accepts (upstream lists every GV). */
export const SERVED_GROUP_VERSIONS: readonly [string, string][] = [
  ['', 'v1'], ['apps', 'v1'], ['autoscaling', 'v1'], ['coordination.k8s.io', 'v1'],
  ['discovery.k8s.io', 'v1'], ['policy', 'v1'], ['storage.k8s.io', 'v1'],
];

/** Go int64 fields; every other integer is int32, as upstream's types say. */
export const INT64_FIELDS = new Set([
  'ObjectMeta.generation', 'ObjectMeta.deletionGracePeriodSeconds', 'ListMeta.remainingItemCount',
  'DeleteOptions.gracePeriodSeconds', 'Condition.observedGeneration',
  'PodSpec.activeDeadlineSeconds', 'PodSpec.terminationGracePeriodSeconds',
  'Probe.terminationGracePeriodSeconds', 'SleepAction.seconds',
  'PodSecurityContext.runAsUser', 'PodSecurityContext.runAsGroup', 'PodSecurityContext.fsGroup',
  'PodSecurityContext.supplementalGroups', 'SecurityContext.runAsUser', 'SecurityContext.runAsGroup',
  'Toleration.tolerationSeconds', 'ServiceAccountTokenProjection.expirationSeconds',
  'ContainerImage.sizeBytes', 'ControllerRevision.revision', 'StatefulSetStatus.observedGeneration',
  'PodStatus.observedGeneration', 'PodCondition.observedGeneration',
  'LinuxContainerUser.uid', 'LinuxContainerUser.gid', 'LinuxContainerUser.supplementalGroups',
]);

/** Go float64 fields (none among the served kinds today; the decoder supports them). */
export const DOUBLE_FIELDS = new Set<string>([]);

/** Fields whose string values are base64 []byte in Go (map values for maps). */
export const BYTE_FIELDS = new Set(['Secret.data', 'ConfigMap.binaryData']);

type ListMeta = {
  'x-kubernetes-patch-strategy'?: string; 'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map'; 'x-kubernetes-list-map-keys'?: string[];
};
const byKey = (key: string, keys: string[] = [key], strategy = 'merge'): ListMeta => ({
  'x-kubernetes-list-map-keys': keys, 'x-kubernetes-list-type': 'map',
  'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': strategy,
});
const mergeOnly = (key: string): ListMeta => ({ 'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': 'merge' });
const atomic: ListMeta = { 'x-kubernetes-list-type': 'atomic' };
const set: ListMeta = { 'x-kubernetes-list-type': 'set' };

const containerLists = (t: string): Record<string, ListMeta> => ({
  [`${t}.ports`]: byKey('containerPort', ['containerPort', 'protocol']),
  [`${t}.env`]: mergeOnly('name'),
  [`${t}.volumeMounts`]: mergeOnly('mountPath'),
  [`${t}.volumeDevices`]: mergeOnly('devicePath'),
  [`${t}.command`]: atomic, [`${t}.args`]: atomic, [`${t}.envFrom`]: atomic, [`${t}.resizePolicy`]: atomic,
});

/** List semantics strategic merge patch and server-side apply need (upstream struct tags). */
export const LIST_META: Readonly<Record<string, ListMeta>> = {
  ...containerLists('Container'), ...containerLists('EphemeralContainer'),
  'PodSpec.containers': mergeOnly('name'), 'PodSpec.initContainers': mergeOnly('name'),
  'PodSpec.ephemeralContainers': mergeOnly('name'),
  'PodSpec.volumes': mergeOnly('name'), 'PodSpec.imagePullSecrets': mergeOnly('name'),
  'PodSpec.hostAliases': mergeOnly('ip'), 'PodSpec.tolerations': atomic, 'PodSpec.readinessGates': atomic,
  'PodSpec.topologySpreadConstraints': byKey('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
  'PodSpec.resourceClaims': byKey('name', ['name'], 'merge,retainKeys'),
  'PodSpec.schedulingGates': byKey('name'),
  'PodStatus.conditions': mergeOnly('type'), 'PodStatus.podIPs': mergeOnly('ip'),
  'PodStatus.hostIPs': { ...mergeOnly('ip'), ...atomic },
  'PodStatus.containerStatuses': atomic, 'PodStatus.initContainerStatuses': atomic,
  'PodStatus.ephemeralContainerStatuses': atomic,
  'NodeSpec.podCIDRs': { 'x-kubernetes-patch-strategy': 'merge', ...set }, 'NodeSpec.taints': atomic,
  'NodeStatus.conditions': mergeOnly('type'), 'NodeStatus.addresses': mergeOnly('type'),
  'NodeStatus.images': atomic, 'NodeStatus.volumesAttached': atomic, 'NodeStatus.volumesInUse': atomic,
  'ObjectMeta.finalizers': { 'x-kubernetes-patch-strategy': 'merge', ...set },
  'ObjectMeta.ownerReferences': byKey('uid'), 'ObjectMeta.managedFields': atomic,
  'ServiceSpec.ports': byKey('port', ['port', 'protocol']),
  'ServiceSpec.clusterIPs': atomic, 'ServiceSpec.ipFamilies': atomic,
  'ServiceSpec.externalIPs': atomic, 'ServiceSpec.loadBalancerSourceRanges': atomic,
  'ServiceStatus.conditions': byKey('type'), 'LoadBalancerStatus.ingress': atomic,
  'ServiceAccount.secrets': mergeOnly('name'), 'ServiceAccount.imagePullSecrets': atomic,
  'PersistentVolumeClaimStatus.conditions': mergeOnly('type'),
  'PersistentVolumeClaimSpec.accessModes': atomic, 'PersistentVolumeSpec.accessModes': atomic,
  'PersistentVolumeSpec.mountOptions': atomic, 'StorageClass.mountOptions': atomic,
  'StorageClass.allowedTopologies': atomic,
  'StatefulSetStatus.conditions': mergeOnly('type'), 'StatefulSetSpec.volumeClaimTemplates': atomic,
  'Endpoints.subsets': atomic, 'EndpointSubset.addresses': atomic, 'EndpointSubset.notReadyAddresses': atomic,
  'EndpointSubset.ports': atomic,
  'EndpointSlice.endpoints': atomic, 'EndpointSlice.ports': atomic, 'Endpoint.addresses': set,
  'EndpointHints.forZones': atomic,
  'LabelSelector.matchExpressions': atomic, 'LabelSelectorRequirement.values': atomic,
  'NodeSelector.nodeSelectorTerms': atomic, 'NodeSelectorTerm.matchExpressions': atomic,
  'NodeSelectorTerm.matchFields': atomic, 'NodeSelectorRequirement.values': atomic,
  'ContainerStatus.allocatedResourcesStatus': byKey('name'),
  'ResourceStatus.resources': { 'x-kubernetes-list-map-keys': ['resourceID'], 'x-kubernetes-list-type': 'map' },
};

/** Structs that server-side apply treats as one value (upstream `+structType=atomic`). */
export const ATOMIC_STRUCTS = new Set([
  'LabelSelector', 'NodeSelector', 'NodeSelectorTerm', 'ObjectReference', 'LocalObjectReference',
  'ConfigMapKeySelector', 'SecretKeySelector', 'ObjectFieldSelector', 'ResourceFieldSelector',
  'TopologySelectorTerm', 'ConfigMapEnvSource', 'SecretEnvSource', 'TypedLocalObjectReference',
  // core/v1 and discovery/v1 both name their port struct EndpointPort; upstream marks both atomic.
  'EndpointPort',
]);

/** Extra GVKs for meta kinds that have no literal apiVersion/kind in `kubernetes-types`. */
export const EXTRA_GVK: Readonly<Record<string, { group: string; version: string; kind: string }[]>> = {
  'meta/v1:Status': [{ group: '', version: 'v1', kind: 'Status' }],
  'meta/v1:DeleteOptions': [...SERVED_GROUP_VERSIONS, ['meta.k8s.io', 'v1'] as const]
    .map(([group, version]) => ({ group, version, kind: 'DeleteOptions' })),
  'meta/v1:WatchEvent': SERVED_GROUP_VERSIONS.map(([group, version]) => ({ group, version, kind: 'WatchEvent' })),
};
