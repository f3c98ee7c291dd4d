// Service defaulting (SetDefaults_Service) and the field bookkeeping upstream's service REST
// layer does around allocation: clusterIP/clusterIPs kept in sync, IP family defaults for a
// single-stack IPv4 cluster, values carried over on update, type-dependent fields dropped.
import type { Service, ServiceSpec } from 'kubernetes-types/core/v1.js';
import { semanticEqual } from '../../../core/validation/index.js';

export const DEFAULT_CLIENT_IP_TIMEOUT = 10800;

export const externallyAccessible = (s: ServiceSpec): boolean =>
  s.type === 'LoadBalancer' || s.type === 'NodePort' || (s.type === 'ClusterIP' && (s.externalIPs ?? []).length > 0);
export const needsClusterIP = (s: ServiceSpec): boolean => s.type !== 'ExternalName';
const needsNodePort = (s: ServiceSpec): boolean =>
  s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
const needsHealthCheck = (s: ServiceSpec): boolean => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';

export function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == null) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT } };
  }
  spec.type ||= 'ClusterIP';
  for (const port of spec.ports ?? []) {
    port.protocol ||= 'TCP';
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (externallyAccessible(spec)) spec.externalTrafficPolicy ||= 'Cluster';
  if (spec.internalTrafficPolicy == null && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer') {
    spec.allocateLoadBalancerNodePorts ??= true;
    for (const ing of svc.status?.loadBalancer?.ingress ?? []) if (ing.ip && !ing.ipMode) ing.ipMode = 'VIP';
  }
}

/** Keep clusterIP and clusterIPs in step for clients that only know one of them (NormalizeClusterIPs). */
export function normalizeClusterIPs(next: ServiceSpec, prev?: ServiceSpec): void {
  if (!prev) {
    if (next.clusterIP && !(next.clusterIPs ?? []).length) next.clusterIPs = [next.clusterIP];
    return;
  }
  const sameIPs = () => semanticEqual(next.clusterIPs ?? [], prev.clusterIPs ?? []);
  if ((prev.clusterIPs ?? []).length && !(next.clusterIPs ?? []).length && prev.clusterIP === next.clusterIP) {
    next.clusterIPs = prev.clusterIPs;
  }
  if ((prev.clusterIP ?? '') !== (next.clusterIP ?? '')) {
    if (prev.clusterIP && !next.clusterIP) {
      if (sameIPs()) delete next.clusterIPs;
    } else if (sameIPs()) next.clusterIPs = [next.clusterIP!];
  }
}

/** Single-stack IPv4 cluster defaults (upstream initIPFamilyFields). */
export function initIPFamilies(spec: ServiceSpec): void {
  if (!needsClusterIP(spec)) return;
  const twoIPs = (spec.clusterIPs ?? []).length === 2 || (spec.ipFamilies ?? []).length === 2;
  spec.ipFamilyPolicy ??= twoIPs ? 'RequireDualStack' : 'SingleStack';
  if (!(spec.ipFamilies ?? []).length) {
    const first = (spec.clusterIPs ?? []).find((ip) => ip && ip !== 'None');
    spec.ipFamilies = [first?.includes(':') ? 'IPv6' : 'IPv4'];
  }
}

/** Fields that stop applying when the type changes are dropped if the user left them as they were. */
export function dropTypeDependentFields(next: ServiceSpec, prev: ServiceSpec): void {
  if (needsClusterIP(prev) && !needsClusterIP(next)) {
    if (semanticEqual(next.clusterIPs ?? [], prev.clusterIPs ?? [])) { delete next.clusterIP; delete next.clusterIPs; }
    if (semanticEqual(next.ipFamilies ?? [], prev.ipFamilies ?? [])) delete next.ipFamilies;
    if (next.ipFamilyPolicy === prev.ipFamilyPolicy) delete next.ipFamilyPolicy;
  }
  const sameNodePorts = (next.ports ?? []).every((p) => !p.nodePort || (prev.ports ?? []).some((o) => o.nodePort === p.nodePort));
  if (needsNodePort(prev) && !needsNodePort(next) && sameNodePorts) for (const p of next.ports ?? []) delete p.nodePort;
  if (needsHealthCheck(prev) && !needsHealthCheck(next) && next.healthCheckNodePort === prev.healthCheckNodePort) delete next.healthCheckNodePort;
  if (prev.type === 'LoadBalancer' && next.type !== 'LoadBalancer'
    && next.allocateLoadBalancerNodePorts != null && next.allocateLoadBalancerNodePorts === prev.allocateLoadBalancerNodePorts) {
    delete next.allocateLoadBalancerNodePorts;
  }
  if (prev.type === 'LoadBalancer' && next.type !== 'LoadBalancer' && next.loadBalancerClass === prev.loadBalancerClass) delete next.loadBalancerClass;
  if (externallyAccessible(prev) && !externallyAccessible(next) && next.externalTrafficPolicy === prev.externalTrafficPolicy) {
    delete next.externalTrafficPolicy;
  }
}

/** Allocated values an update omitted are carried over (upstream patchAllocatedValues). */
export function patchAllocatedValues(next: ServiceSpec, prev: ServiceSpec): void {
  if (needsClusterIP(prev) && needsClusterIP(next)) {
    if (!next.clusterIP && prev.clusterIP) next.clusterIP = prev.clusterIP;
    if (!(next.clusterIPs ?? []).length && (prev.clusterIPs ?? []).length) next.clusterIPs = prev.clusterIPs;
    if (!(next.ipFamilies ?? []).length && (prev.ipFamilies ?? []).length) next.ipFamilies = prev.ipFamilies;
    if (next.ipFamilyPolicy == null && prev.ipFamilyPolicy != null) next.ipFamilyPolicy = prev.ipFamilyPolicy;
  }
  if (needsNodePort(prev) && needsNodePort(next)) {
    for (const p of next.ports ?? []) {
      if (p.nodePort) continue;
      const old = (prev.ports ?? []).find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (old?.nodePort) p.nodePort = old.nodePort;
    }
  }
  if (needsHealthCheck(prev) && needsHealthCheck(next) && !next.healthCheckNodePort) next.healthCheckNodePort = prev.healthCheckNodePort;
}
