// What the agent works out of a pod spec for the runtime (upstream kubelet dns.go GetPodDNS,
// securitycontext merging, and the CRI resource conversion), so every runtime gets the same:
//
// - DNS: ClusterFirst uses the cluster DNS servers and the search path
//   <ns>.svc.<domain> svc.<domain> <domain> with ndots:5; without cluster DNS configured it falls
//   back to the node's resolv.conf, as upstream (which also posts a MissingClusterDNS event;
//   the agent does not, sim nodes have no DNS to configure). Host-network
//   pods use the node's unless ClusterFirstWithHostNet. None takes dnsConfig alone; dnsConfig
//   otherwise adds servers and searches and overrides options by name.
// - Security: the container's securityContext over the pod's (runAsUser, runAsGroup);
//   supplementalGroups, privileged, capabilities, readOnlyRootFilesystem as given.
// - Resources: limits.memory in bytes; cpu shares from requests.cpu (else limits.cpu),
//   at least 2; a CFS quota from limits.cpu over a 100 ms period.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { tryParseQuantity } from '../../core/index.js';
import type { ContainerResources, ContainerSecurity, SandboxConfig } from '../runtime/index.js';

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
const CFS_PERIOD_US = 100_000;

export interface DnsSettings {
  readonly clusterDNS: readonly string[];
  readonly clusterDomain: string;
}

/** undefined = the node's resolv.conf. */
export function podDns(pod: Pod, settings: DnsSettings): SandboxConfig['dns'] {
  const spec = pod.spec;
  let policy = spec?.dnsPolicy ?? 'ClusterFirst';
  if (spec?.hostNetwork) policy = policy === 'ClusterFirstWithHostNet' ? 'ClusterFirst' : policy === 'ClusterFirst' ? 'Default' : policy;
  else if (policy === 'ClusterFirstWithHostNet') policy = 'ClusterFirst';
  let servers: string[] = [], searches: string[] = [], options: string[] = [];
  if (policy === 'ClusterFirst') {
    if (settings.clusterDNS.length) {
      const d = settings.clusterDomain;
      servers = [...settings.clusterDNS];
      searches = [`${pod.metadata?.namespace}.svc.${d}`, `svc.${d}`, d];
      options = ['ndots:5'];
    } else {
      policy = 'Default';
    }
  }
  const cfg = spec?.dnsConfig;
  if (policy === 'Default' && !cfg) return undefined;
  servers.push(...(cfg?.nameservers ?? []));
  searches.push(...(cfg?.searches ?? []));
  const byName = new Map(options.map((o) => [o.split(':')[0]!, o]));
  for (const o of cfg?.options ?? []) byName.set(o.name ?? '', o.value === undefined ? o.name ?? '' : `${o.name}:${o.value}`);
  options = [...byName.values()];
  return { servers: [...new Set(servers)], searches: [...new Set(searches)], options };
}

export function containerSecurity(pod: Pod, c: Container): ContainerSecurity | undefined {
  const p = pod.spec?.securityContext, s = c.securityContext;
  const out: { -readonly [K in keyof ContainerSecurity]: ContainerSecurity[K] } = {};
  const runAsUser = s?.runAsUser ?? p?.runAsUser, runAsGroup = s?.runAsGroup ?? p?.runAsGroup;
  if (runAsUser !== undefined) out.runAsUser = runAsUser;
  if (runAsGroup !== undefined) out.runAsGroup = runAsGroup;
  if (p?.supplementalGroups?.length) out.supplementalGroups = [...p.supplementalGroups];
  if (s?.readOnlyRootFilesystem !== undefined) out.readOnlyRootFilesystem = s.readOnlyRootFilesystem;
  if (s?.privileged !== undefined) out.privileged = s.privileged;
  if (s?.capabilities) out.capabilities = { add: s.capabilities.add ?? [], drop: s.capabilities.drop ?? [] };
  return Object.keys(out).length ? out : undefined;
}

export function containerResources(c: Container): ContainerResources | undefined {
  const limits = c.resources?.limits as Record<string, unknown> | undefined;
  const requests = c.resources?.requests as Record<string, unknown> | undefined;
  const out: { -readonly [K in keyof ContainerResources]: ContainerResources[K] } = {};
  const memory = tryParseQuantity(limits?.memory);
  if (memory) out.memoryLimitBytes = Number(memory.value());
  const cpuRequest = tryParseQuantity(requests?.cpu) ?? tryParseQuantity(limits?.cpu);
  if (cpuRequest) out.cpuShares = Math.max(2, Math.floor((Number(cpuRequest.milliValue()) * 1024) / 1000));
  const cpuLimit = tryParseQuantity(limits?.cpu);
  if (cpuLimit) {
    out.cpuPeriod = CFS_PERIOD_US;
    out.cpuQuota = Math.max(1000, Math.floor((Number(cpuLimit.milliValue()) * CFS_PERIOD_US) / 1000));
  }
  return Object.keys(out).length ? out : undefined;
}
