// Public surface of dns: cluster DNS for pods (CoreDNS's kubernetes plugin, in-process).
//   clusterDns    the component `berth up` runs: informers → DnsState → UDP/TCP server + forwarding
//   resolve       the pure answer to one question from a DnsState (what unit tests drive)
//   DnsState      Services and EndpointSlices indexed for lookups
//   startDnsServer / DnsHandler  the wire side, for tests and other composition roots
export { clusterDns, DEFAULT_RESOLV_CONF, DEFAULT_ZONE, type ClusterDns, type ClusterDnsOptions } from './component.js';
export { DEFAULT_TTL, DNS_SCHEMA_VERSION, resolve, type Question, type Rcode, type Reply, type Resolution, type ResolverConfig } from './resolve.js';
export { DnsState, SERVICE_NAME_LABEL } from './state.js';
export { DnsHandler, startDnsServer, type DnsServerOptions, type RunningDnsServer } from './server.js';
export { Forwarder, parseResolvConf, parseUpstream, type Upstream } from './forward.js';
