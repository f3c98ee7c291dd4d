// Descriptors of every served resource. Pure data shared by the API server, clients and CLI.
import type { ResourceType, Subresource } from './types.js';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

function rt(group: string, kind: string, plural: string, namespaced: boolean, extra: {
  shortNames?: string[]; categories?: string[]; subresources?: Subresource[]; verbs?: readonly string[]; version?: string;
} = {}): ResourceType {
  return Object.freeze({
    group, version: extra.version ?? 'v1', kind, listKind: `${kind}List`, plural,
    singular: kind.toLowerCase(), namespaced,
    shortNames: extra.shortNames ?? [], categories: extra.categories ?? [],
    subresources: extra.subresources ?? [], verbs: extra.verbs ?? ALL_VERBS,
  });
}

export const Namespaces = rt('', 'Namespace', 'namespaces', false,
  { shortNames: ['ns'], subresources: ['status'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] });
export const Nodes = rt('', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status', 'proxy'] });
export const Pods = rt('', 'Pod', 'pods', true, {
  shortNames: ['po'], categories: ['all'],
  subresources: ['status', 'binding', 'log', 'exec', 'attach', 'portforward', 'eviction'],
});
export const Services = rt('', 'Service', 'services', true, {
  shortNames: ['svc'], categories: ['all'], subresources: ['status'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
});
export const Endpoints = rt('', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] });
export const Events = rt('', 'Event', 'events', true, { shortNames: ['ev'] });
export const ConfigMaps = rt('', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] });
export const Secrets = rt('', 'Secret', 'secrets', true);
export const ServiceAccounts = rt('', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] });
export const PersistentVolumes = rt('', 'PersistentVolume', 'persistentvolumes', false,
  { shortNames: ['pv'], subresources: ['status'] });
export const PersistentVolumeClaims = rt('', 'PersistentVolumeClaim', 'persistentvolumeclaims', true,
  { shortNames: ['pvc'], subresources: ['status'] });
export const StorageClasses = rt('storage.k8s.io', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] });
export const StatefulSets = rt('apps', 'StatefulSet', 'statefulsets', true,
  { shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'] });
export const ControllerRevisions = rt('apps', 'ControllerRevision', 'controllerrevisions', true);
export const Leases = rt('coordination.k8s.io', 'Lease', 'leases', true);
// Upstream registers no short name for EndpointSlices.
export const EndpointSlices = rt('discovery.k8s.io', 'EndpointSlice', 'endpointslices', true);

/** Every resource the API server serves, in discovery order. */
export const ALL_RESOURCES: readonly ResourceType[] = [
  Namespaces, Nodes, Pods, Services, Endpoints, Events, ConfigMaps, Secrets, ServiceAccounts,
  PersistentVolumes, PersistentVolumeClaims, StorageClasses, StatefulSets, ControllerRevisions, Leases,
  EndpointSlices,
];

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return ALL_RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function findResourceByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return ALL_RESOURCES.find((r) => (r.group ? `${r.group}/${r.version}` : r.version) === apiVersion && r.kind === kind);
}
