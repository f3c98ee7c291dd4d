// Service IP and node port allocation (upstream: the service REST storage's allocators).
// Allocation reads the live set of services, so released addresses come back by themselves.
import { field, invalid, ipv4ToNumber, parseCidr, Services, toDotted, type KubeObject } from '../../core/index.js';
import type { AdmissionPlugin } from './types.js';

interface ServiceSpec {
  type?: string; clusterIP?: string; clusterIPs?: string[];
  ports?: { nodePort?: number; port?: number }[];
}

export interface ServiceRanges {
  /** IPv4 CIDR for cluster IPs, e.g. 10.96.0.0/12. */
  readonly serviceCidr: string;
  readonly nodePortMin: number;
  readonly nodePortMax: number;
}

export const DEFAULT_SERVICE_RANGES: ServiceRanges = { serviceCidr: '10.96.0.0/12', nodePortMin: 30000, nodePortMax: 32767 };

function cidrRange(cidr: string): { first: number; last: number } {
  const { base, size } = parseCidr(cidr);
  return { first: base, last: base + size - 1 };
}

export function serviceIpAllocator(ranges: ServiceRanges = DEFAULT_SERVICE_RANGES): AdmissionPlugin {
  const { first, last } = cidrRange(ranges.serviceCidr);
  return {
    name: 'ServiceIPAllocation',
    async admit(a) {
      if (a.type !== Services || a.operation !== 'CREATE' || !a.object) return;
      const spec = (a.object.spec ??= {}) as ServiceSpec;
      const type = spec.type ?? 'ClusterIP';
      if (type === 'ExternalName') return;
      const existing = await a.reader.list(Services);
      const usedIps = new Set(existing.flatMap((s) => (s.spec as ServiceSpec)?.clusterIPs ?? [(s.spec as ServiceSpec)?.clusterIP ?? '']));
      const name = a.object.metadata?.name ?? '';
      if (spec.clusterIP === undefined || spec.clusterIP === '') {
        // Skip the network address and the first host address (reserved for the `kubernetes` service).
        const size = last - first - 1;
        let ip: string | undefined;
        for (let tries = 0; tries < 64 && !ip; tries++) {
          const candidate = toDotted(first + 2 + Math.floor(Math.random() * (size - 1)));
          if (!usedIps.has(candidate)) ip = candidate;
        }
        for (let n = first + 2; !ip && n < last; n++) if (!usedIps.has(toDotted(n))) ip = toDotted(n);
        if (!ip) throw invalid('Service', '', name, [field.invalid('spec.clusterIPs', [], 'failed to allocate IP: range is full')]);
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      } else if (spec.clusterIP !== 'None') {
        const n = ipv4ToNumber(spec.clusterIP);
        if (n === undefined || n < first || n > last) {
          throw invalid('Service', '', name, [field.invalid('spec.clusterIPs', [spec.clusterIP],
            `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${ranges.serviceCidr}`)]);
        }
        if (usedIps.has(spec.clusterIP)) {
          throw invalid('Service', '', name, [field.invalid('spec.clusterIPs', [spec.clusterIP],
            `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`)]);
        }
        spec.clusterIPs = [spec.clusterIP];
      } else {
        spec.clusterIPs = ['None'];
      }
      if (type === 'NodePort' || type === 'LoadBalancer') allocateNodePorts(spec, existing, ranges, name);
    },
  };
}

function allocateNodePorts(spec: ServiceSpec, existing: readonly KubeObject[], ranges: ServiceRanges, name: string): void {
  const used = new Set(existing.flatMap((s) => ((s.spec as ServiceSpec)?.ports ?? []).map((p) => p.nodePort ?? 0)));
  for (const [i, port] of (spec.ports ?? []).entries()) {
    if (port.nodePort) {
      if (port.nodePort < ranges.nodePortMin || port.nodePort > ranges.nodePortMax) {
        throw invalid('Service', '', name, [field.invalid(`spec.ports[${i}].nodePort`, port.nodePort,
          `provided port is not in the valid range. The range of valid ports is ${ranges.nodePortMin}-${ranges.nodePortMax}`)]);
      }
      if (used.has(port.nodePort)) {
        throw invalid('Service', '', name, [field.invalid(`spec.ports[${i}].nodePort`, port.nodePort, 'provided port is already allocated')]);
      }
      used.add(port.nodePort);
      continue;
    }
    let p = 0;
    for (let tries = 0; tries < 64 && !p; tries++) {
      const c = ranges.nodePortMin + Math.floor(Math.random() * (ranges.nodePortMax - ranges.nodePortMin + 1));
      if (!used.has(c)) p = c;
    }
    if (!p) throw invalid('Service', '', name, [field.invalid(`spec.ports[${i}].nodePort`, 0, 'range is full')]);
    port.nodePort = p;
    used.add(p);
  }
}
