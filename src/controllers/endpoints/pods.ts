// What the three endpoint controllers share about pods and services (upstream's
// k8s.io/endpointslice/util and podutil): which pods count, their ports, hostnames, readiness.
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { isApiError, selectorFromSet, type KubeObject } from '../../core/index.js';
import type { Lister, Request } from '../../controller-runtime/index.js';

export type PodObject = Pod & KubeObject;
export type ServiceObject = Service & KubeObject;

export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const TOPOLOGY_ZONE_LABEL = 'topology.kubernetes.io/zone';

/** podutil.IsPodReady: the Ready condition is True. */
export const isPodReady = (pod: PodObject): boolean =>
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * ShouldPodBeInEndpoints: not terminal (Succeeded/Failed), has an IP, and is not being deleted
 * unless terminating pods are wanted (EndpointSlices keep them with terminating=true; Endpoints
 * only with publishNotReadyAddresses).
 */
export function shouldPodBeInEndpoints(pod: PodObject, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP && !(pod.status?.podIPs ?? []).length) return false;
  return includeTerminating || !pod.metadata?.deletionTimestamp;
}

/** ShouldSetHostname: the pod asks for a hostname under this service's subdomain. */
export const shouldSetHostname = (pod: PodObject, svc: ServiceObject): boolean =>
  !!pod.spec?.hostname && pod.spec.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace;

/** FindPort: a numeric targetPort as is; a named one from the pod's (or a sidecar's) container ports with the same protocol. */
export function findPort(pod: PodObject, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/**
 * The selector the endpoint controllers act on. An empty map counts as none: upstream stores
 * objects as protobuf, where `selector: {}` comes back nil.
 */
export function serviceSelector(svc: ServiceObject): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  return sel && Object.keys(sel).length ? sel : undefined;
}

/** Whether the controllers manage this service's endpoints (upstream: selector set, not ExternalName). */
export const managesEndpoints = (svc: ServiceObject): boolean => svc.spec?.type !== 'ExternalName' && !!serviceSelector(svc);

/** IsServiceIPSet is false for headless services (clusterIP None or unset). */
export const isHeadless = (svc: ServiceObject): boolean => !svc.spec?.clusterIP || svc.spec.clusterIP === 'None';

/** The IP family endpoints use: the service's primary family (IPv4 when unset). */
export const primaryFamily = (svc: ServiceObject): 'IPv4' | 'IPv6' => (svc.spec?.ipFamilies?.[0] === 'IPv6' ? 'IPv6' : 'IPv4');

export const isIPv6 = (ip: string): boolean => ip.includes(':');

/** The pod's IPs of one family, in status order. */
export function podIPsOf(pod: PodObject, family: 'IPv4' | 'IPv6'): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  if (!ips.length && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips.filter((ip) => isIPv6(ip) === (family === 'IPv6'));
}

/** The pods a service selects, from the cache. */
export function podsOfService(pods: Lister<PodObject>, svc: ServiceObject): readonly PodObject[] {
  const sel = serviceSelector(svc);
  return sel ? pods.list({ namespace: svc.metadata?.namespace, selector: selectorFromSet(sel) }) : [];
}

/** GetPodServiceMemberships: the services in the pod's namespace whose selector matches it. */
export function servicesOfPod(services: Lister<ServiceObject>, pod: PodObject): Request[] {
  const namespace = pod.metadata?.namespace;
  const out: Request[] = [];
  for (const svc of services.list({ namespace })) {
    const sel = serviceSelector(svc);
    if (sel && selectorFromSet(sel).matches(pod.metadata?.labels)) out.push({ namespace, name: svc.metadata?.name ?? '' });
  }
  return out;
}

/** A reference to the pod as endpoints carry it (no resourceVersion, so pod updates do not churn). */
export const podRef = (pod: PodObject) => ({
  kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid,
});

/** The service a request names, from the cache, with its namespace and queue key. */
export function serviceOfRequest(services: Lister<ServiceObject>, req: Request): { namespace: string; key: string; svc?: ServiceObject } {
  const namespace = req.namespace ?? '';
  return { namespace, key: `${namespace}/${req.name}`, svc: services.get({ namespace, name: req.name }) };
}

/** A create refused because the namespace is terminating: it will keep failing, nothing to retry. */
export const isNamespaceTerminating = (e: unknown): boolean =>
  isApiError(e) && (e.details.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
