// DnsState: what cluster DNS answers from, kept from Service and EndpointSlice changes and
// indexed so every lookup is a few map reads (forward by namespace/name, reverse by address).
//
// Contract:
// - applyService / applyEndpointSlice take an informer Change ({new} add, {old,new} update,
//   {old} delete) and keep only what DNS needs, so objects are never held or mutated.
// - Readiness is decided at lookup time, not on apply: a slice endpoint is served when
//   conditions.ready is true or unset (EndpointSlice API: unset means unknown, read as ready,
//   as CoreDNS does), or when its Service has publishNotReadyAddresses. Upstream's
//   EndpointSlice controller already writes ready=true for such Services; honouring the flag
//   here too gives the same answer for slices written by any controller or by hand.
// - `serial` is the Unix time (seconds) of the last change, CoreDNS's SOA serial.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { dashed, isLabel, normalizeIP } from './names.js';

/** Label that ties an EndpointSlice to its Service (discovery.k8s.io/v1). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface PortRecord {
  /** Lower-case; '' for an unnamed port (which has no SRV record). */
  readonly name: string;
  /** Lower-case: tcp, udp, sctp. */
  readonly protocol: string;
  readonly port: number;
}

export interface ServiceRecord {
  readonly namespace: string;
  readonly name: string;
  /** Allocated cluster IPs (normalized); empty for headless and ExternalName Services. */
  readonly clusterIPs: readonly string[];
  readonly headless: boolean;
  /** Set for type ExternalName: the CNAME target, lower-case, no trailing dot. */
  readonly externalName?: string;
  readonly ports: readonly PortRecord[];
  readonly publishNotReadyAddresses: boolean;
}

export interface EndpointRecord {
  /** Normalized addresses of one endpoint. */
  readonly addresses: readonly string[];
  /** The endpoint's hostname when it is a valid DNS label (the StatefulSet pod name). */
  readonly hostname?: string;
  /** conditions.ready; undefined when the slice does not say. */
  readonly ready?: boolean;
}

interface SliceRecord {
  readonly key: string;
  readonly service: string;       // namespace/name of the Service
  readonly ports: readonly PortRecord[];
  readonly endpoints: readonly EndpointRecord[];
}

/** An endpoint of a Service as DNS serves it: one address, with the slice's ports. */
export interface ServedEndpoint {
  readonly ip: string;
  readonly hostname?: string;
  readonly ports: readonly PortRecord[];
}

/** A Service or endpoint an address belongs to: what a PTR query answers. */
export interface AddressOwner {
  readonly namespace: string;
  readonly service: string;
  /** Set for an endpoint address: its hostname, or the dashed address when it has none (CoreDNS endpointHostname). */
  readonly endpoint?: string;
}

const svcKey = (namespace: string, name: string): string => `${namespace}/${name}`;

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

function removeFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(v);
  if (!s.size) m.delete(k);
}

function toServiceRecord(svc: Service): ServiceRecord | undefined {
  const namespace = svc.metadata?.namespace;
  const name = svc.metadata?.name;
  if (!namespace || !name) return undefined;
  const spec = svc.spec ?? {};
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  const headless = ips[0] === 'None';
  return {
    namespace, name, headless,
    clusterIPs: headless ? [] : ips.map(normalizeIP).filter((ip): ip is string => !!ip),
    externalName: spec.type === 'ExternalName' && spec.externalName ? spec.externalName.replace(/\.$/, '').toLowerCase() : undefined,
    ports: (spec.ports ?? []).map((p) => ({ name: (p.name ?? '').toLowerCase(), protocol: (p.protocol ?? 'TCP').toLowerCase(), port: p.port })),
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
  };
}

function toSliceRecord(slice: EndpointSlice): SliceRecord | undefined {
  const namespace = slice.metadata?.namespace;
  const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  if (!namespace || !service || !slice.metadata?.name) return undefined;
  // FQDN slices carry names, not addresses: CoreDNS serves nothing from them.
  if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') return undefined;
  return {
    key: svcKey(namespace, slice.metadata.name),
    service: svcKey(namespace, service),
    ports: (slice.ports ?? []).filter((p) => p.port !== undefined && p.port >= 1 && p.port <= 0xffff)
      .map((p) => ({ name: (p.name ?? '').toLowerCase(), protocol: (p.protocol ?? 'TCP').toLowerCase(), port: p.port! })),
    endpoints: (slice.endpoints ?? []).map((e) => ({
      addresses: (e.addresses ?? []).map(normalizeIP).filter((ip): ip is string => !!ip),
      hostname: e.hostname && isLabel(e.hostname) ? e.hostname : undefined,
      ready: e.conditions?.ready,
    })),
  };
}

export class DnsState {
  private readonly services = new Map<string, ServiceRecord>();
  private readonly slices = new Map<string, SliceRecord>();
  private readonly slicesByService = new Map<string, Set<string>>();
  private readonly servicesByClusterIP = new Map<string, Set<string>>();
  private readonly slicesByAddress = new Map<string, Set<string>>();
  private synced = false;
  serial: number;

  constructor(private readonly now: () => number = Date.now) {
    this.serial = Math.floor(now() / 1000);
  }

  /** True once the informers have listed everything; until then in-zone answers would lie. */
  get ready(): boolean { return this.synced; }
  markSynced(): void { this.synced = true; }

  applyService(change: { old?: Service; new?: Service }): void {
    const old = change.old && toServiceRecord(change.old);
    if (old) {
      const key = svcKey(old.namespace, old.name);
      this.services.delete(key);
      for (const ip of old.clusterIPs) removeFrom(this.servicesByClusterIP, ip, key);
    }
    const rec = change.new && toServiceRecord(change.new);
    if (rec) {
      const key = svcKey(rec.namespace, rec.name);
      this.services.set(key, rec);
      for (const ip of rec.clusterIPs) addTo(this.servicesByClusterIP, ip, key);
    }
    this.touch();
  }

  applyEndpointSlice(change: { old?: EndpointSlice; new?: EndpointSlice }): void {
    // The cached old state may differ from what we indexed only if a change was missed, so
    // removal goes by the key we stored, not by the old object's contents.
    const oldKey = change.old?.metadata?.namespace && change.old.metadata.name
      ? svcKey(change.old.metadata.namespace, change.old.metadata.name) : undefined;
    if (oldKey) this.removeSlice(oldKey);
    const rec = change.new && toSliceRecord(change.new);
    if (rec) {
      this.removeSlice(rec.key);
      this.slices.set(rec.key, rec);
      addTo(this.slicesByService, rec.service, rec.key);
      for (const e of rec.endpoints) for (const ip of e.addresses) addTo(this.slicesByAddress, ip, rec.key);
    }
    this.touch();
  }

  service(namespace: string, name: string): ServiceRecord | undefined {
    return this.services.get(svcKey(namespace, name));
  }

  /** The endpoints DNS serves for a Service: ready ones (see the contract), one per address. */
  endpoints(svc: ServiceRecord): ServedEndpoint[] {
    const out: ServedEndpoint[] = [];
    for (const key of this.slicesByService.get(svcKey(svc.namespace, svc.name)) ?? []) {
      const slice = this.slices.get(key)!;
      for (const e of slice.endpoints) {
        if (e.ready === false && !svc.publishNotReadyAddresses) continue;
        for (const ip of e.addresses) out.push({ ip, hostname: e.hostname, ports: slice.ports });
      }
    }
    return out;
  }

  /**
   * Who an address belongs to: the Services whose cluster IP it is, else the served endpoints
   * that have it (CoreDNS answers a PTR for a cluster IP alone when there is one).
   */
  owners(ip: string): AddressOwner[] {
    const out: AddressOwner[] = [];
    for (const key of this.servicesByClusterIP.get(ip) ?? []) {
      const s = this.services.get(key)!;
      out.push({ namespace: s.namespace, service: s.name });
    }
    if (out.length) return out;
    for (const key of this.slicesByAddress.get(ip) ?? []) {
      const slice = this.slices.get(key)!;
      const [namespace, name] = slice.service.split('/');
      const svc = this.services.get(slice.service);
      if (!svc) continue;
      for (const e of slice.endpoints) {
        if (!e.addresses.includes(ip) || (e.ready === false && !svc.publishNotReadyAddresses)) continue;
        out.push({ namespace, service: name, endpoint: e.hostname ?? dashed(ip) });
      }
    }
    return out;
  }

  private removeSlice(key: string): void {
    const prev = this.slices.get(key);
    if (!prev) return;
    this.slices.delete(key);
    removeFrom(this.slicesByService, prev.service, key);
    for (const e of prev.endpoints) for (const ip of e.addresses) removeFrom(this.slicesByAddress, ip, key);
  }

  private touch(): void {
    this.serial = Math.floor(this.now() / 1000);
  }
}
