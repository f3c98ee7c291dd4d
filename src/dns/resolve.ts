// resolve(): the answer to one question from DnsState, with no I/O. It implements the
// Kubernetes DNS-based service discovery specification (kubernetes/dns docs/specification.md)
// the way CoreDNS's `kubernetes` plugin does, configured as kubeadm deploys it:
//   kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; fallthrough in-addr.arpa ip6.arpa; ttl 30 }
//   forward . /etc/resolv.conf
//
// Names in the zone (<zone> = cluster.local):
//   <svc>.<ns>.svc.<zone>             A/AAAA cluster IP; headless: ready endpoint addresses; ExternalName: CNAME
//   <host>.<svc>.<ns>.svc.<zone>      A/AAAA of the endpoints whose hostname (or dashed address) is <host>
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV per named port (headless: per endpoint), targets' addresses in additional
//   <a-b-c-d>.<ns>.pod.<zone>         A a.b.c.d ("pods insecure": the address is not checked)
//   dns-version.<zone>                TXT "1.1.0"
//   <zone>                            SOA, NS ns.dns.<zone>
// A name that exists without the asked type is NODATA (NOERROR, no answers); one that does not
// exist is NXDOMAIN. Both carry the zone's SOA in authority (CoreDNS's: hostmaster.<zone>,
// ns.dns.<zone>, refresh 7200, retry 1800, expire 86400, minimum = TTL, SOA TTL min(TTL, 300)).
// PTR: cluster IPs, then endpoint addresses; unknown addresses, and every name outside the
// zone, go upstream ("forward"), or get the fallback when forwarding is off.
import type { Answer, SrvAnswer } from 'dns-packet';
import { addressFromDashed, addressFromReverse, canonical, dashed, ipFamily, isReverse, normalizeIP, trimZone } from './names.js';
import type { DnsState, ServiceRecord } from './state.js';

/** CoreDNS DNSSchemaVersion: the spec version served at dns-version.<zone>. */
export const DNS_SCHEMA_VERSION = '1.1.0';
/** The TTL kubeadm's Corefile sets (`ttl 30`); CoreDNS's own default is 5. */
export const DEFAULT_TTL = 30;

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

export interface Question {
  readonly name: string;
  /** dns-packet's type name: 'A', 'SRV', ..., or 'UNKNOWN_<n>'. */
  readonly type: string;
}

export interface ResolverConfig {
  /** Cluster domain, lower-case, no trailing dot. */
  readonly zone: string;
  readonly ttl: number;
  /** Addresses served for ns.dns.<zone> (the server's own); none = NODATA. */
  readonly nameservers?: readonly string[];
}

export interface Reply {
  readonly rcode: Rcode;
  readonly authoritative: boolean;
  readonly answers: Answer[];
  readonly authorities: Answer[];
  readonly additionals: Answer[];
  /** An ExternalName's target the server should go on resolving for A/AAAA (CoreDNS's upstream lookup). */
  readonly chase?: string;
}

/** A reply, or "ask upstream" with the reply to give when there is no upstream. */
export type Resolution =
  | { readonly kind: 'reply'; readonly reply: Reply }
  | { readonly kind: 'forward'; readonly fallback: Reply };

/** One thing a name stands for (CoreDNS's msg.Service): an address or a CNAME target, maybe a port. */
interface Item {
  readonly ip?: string;
  readonly cname?: string;
  readonly port?: number;
  /** The name an SRV record points at for this item. */
  readonly target: string;
}

type Lookup = { readonly found: false } | { readonly found: true; readonly items: readonly Item[] };

const NOT_FOUND: Lookup = { found: false };
const EMPTY: Lookup = { found: true, items: [] };

const reply = (rcode: Rcode, authoritative: boolean, answers: Answer[] = [], authorities: Answer[] = [], additionals: Answer[] = []): Reply =>
  ({ rcode, authoritative, answers, authorities, additionals });

export function soaRecord(zone: string, cfg: ResolverConfig, serial: number): Answer {
  const dot = zone ? `.${zone}` : '';
  return {
    type: 'SOA', name: zone, ttl: Math.min(cfg.ttl, 300), class: 'IN',
    data: { mname: `ns.dns${dot}`, rname: `hostmaster${dot}`, serial, refresh: 7200, retry: 1800, expire: 86400, minimum: cfg.ttl },
  };
}

export function resolve(q: Question, state: DnsState, cfg: ResolverConfig): Resolution {
  const name = canonical(q.name);
  const base = trimZone(name, cfg.zone);
  if (base === undefined) {
    if (isReverse(name)) return reverse(q, name, state, cfg);
    return { kind: 'forward', fallback: reply('REFUSED', false) };
  }
  // Before the first complete list every name would look missing, and an NXDOMAIN is cached.
  if (!state.ready) return { kind: 'reply', reply: reply('SERVFAIL', false) };
  return { kind: 'reply', reply: inZone(q, base, state, cfg) };
}

function inZone(q: Question, base: string, state: DnsState, cfg: ResolverConfig): Reply {
  const soa = () => [soaRecord(cfg.zone, cfg, state.serial)];
  const nodata = () => reply('NOERROR', true, [], soa());
  const ttl = cfg.ttl;

  if (base === '') {
    if (q.type === 'SOA') return reply('NOERROR', true, soa());
    if (q.type === 'NS') {
      const ns = `ns.dns.${cfg.zone}`;
      return reply('NOERROR', true, [{ type: 'NS', name: q.name, ttl, class: 'IN', data: ns }], [],
        addressRecords(ns, (cfg.nameservers ?? []).map((ip) => ({ ip, target: ns })), ttl));
    }
    return nodata();
  }
  if (base === 'dns-version' && q.type === 'TXT') {
    return reply('NOERROR', true, [{ type: 'TXT', name: q.name, ttl: 28800, class: 'IN', data: DNS_SCHEMA_VERSION }]);
  }
  if (base === 'ns.dns') {
    const items = (cfg.nameservers ?? []).map((ip) => ({ ip, target: q.name }));
    const answers = q.type === 'A' || q.type === 'AAAA' ? addressRecords(q.name, items, ttl, q.type) : [];
    return answers.length ? reply('NOERROR', true, answers) : nodata();
  }

  const found = lookup(base, state, cfg.zone);
  if (!found.found) return reply('NXDOMAIN', true, [], soa());
  const items = found.items;

  switch (q.type) {
    case 'A':
    case 'AAAA': {
      const cname = items.find((i) => i.cname);
      if (cname) {
        return { ...reply('NOERROR', true, [{ type: 'CNAME', name: q.name, ttl, class: 'IN', data: cname.cname! }]), chase: cname.cname };
      }
      const answers = addressRecords(q.name, items, ttl, q.type);
      return answers.length ? reply('NOERROR', true, answers) : nodata();
    }
    case 'CNAME': {
      const cname = items.find((i) => i.cname);
      return cname ? reply('NOERROR', true, [{ type: 'CNAME', name: q.name, ttl, class: 'IN', data: cname.cname! }]) : nodata();
    }
    case 'SRV': {
      const srv = srvRecords(q.name, items, ttl);
      if (!srv.answers.length) return nodata();
      return reply('NOERROR', true, srv.answers, [], srv.additionals);
    }
    default:
      return nodata();
  }
}

/** A/AAAA records for the items' addresses (only `type`'s family when given), without duplicates. */
function addressRecords(owner: string, items: readonly Item[], ttl: number, type?: 'A' | 'AAAA'): Answer[] {
  const seen = new Set<string>();
  const out: Answer[] = [];
  for (const i of items) {
    if (!i.ip || seen.has(i.ip)) continue;
    const t = ipFamily(i.ip) === 4 ? 'A' : 'AAAA';
    if (type && t !== type) continue;
    seen.add(i.ip);
    out.push({ type: t, name: owner, ttl, class: 'IN', data: i.ip });
  }
  return out;
}

/**
 * SRV records as CoreDNS's backend builds them: priority 0 and the weight 100 shared out
 * (floor(100 / n)), one per distinct (target, port); the targets' addresses go in additional.
 */
function srvRecords(owner: string, items: readonly Item[], ttl: number): { answers: Answer[]; additionals: Answer[] } {
  const byKey = new Map<string, Item>();
  for (const i of items) if (i.ip && i.port !== undefined) byKey.set(`${i.target} ${i.port}`, i);
  const weight = Math.floor(100 / Math.max(1, byKey.size));
  const answers: SrvAnswer[] = [...byKey.values()].map((i) => ({
    type: 'SRV', name: owner, ttl, class: 'IN', data: { priority: 0, weight, port: i.port!, target: i.target },
  }));
  const additionals: Answer[] = [];
  const targets = new Map<string, Item[]>();
  // Every address of a target, not only the one that keyed its record (dual-stack cluster IPs).
  for (const i of items) if (i.ip && i.port !== undefined) (targets.get(i.target) ?? targets.set(i.target, []).get(i.target)!).push(i);
  for (const [target, list] of targets) additionals.push(...addressRecords(target, list, ttl));
  return { answers, additionals };
}

/**
 * What a name below the zone stands for (CoreDNS parseRequest + findServices/findPods):
 * not found (NXDOMAIN), or found with zero or more items (zero = NODATA for every type).
 */
function lookup(base: string, state: DnsState, zone: string): Lookup {
  const segs = base.split('.');
  const kind = segs.pop();
  if (kind !== 'svc' && kind !== 'pod') return NOT_FOUND;
  const namespace = segs.pop();
  // <zone>, svc.<zone>, <ns>.svc.<zone>: names with nothing of their own.
  if (namespace === undefined) return EMPTY;
  const name = segs.pop();
  if (name === undefined) return EMPTY;

  if (kind === 'pod') {
    if (segs.length) return NOT_FOUND;
    const ip = addressFromDashed(name);
    return ip ? { found: true, items: [{ ip, target: `${name}.${namespace}.pod.${zone}` }] } : NOT_FOUND;
  }

  let endpoint: string | undefined;
  let port: string | undefined;
  let protocol: string | undefined;
  if (segs.length === 1) endpoint = segs[0];
  else if (segs.length === 2) {
    port = segs[0].replace(/^_/, '');
    protocol = segs[1].replace(/^_/, '');
  } else if (segs.length > 2) return NOT_FOUND;

  const svc = state.service(namespace, name);
  if (!svc) return NOT_FOUND;
  const svcName = `${svc.name}.${svc.namespace}.svc.${zone}`;
  const portMatches = (p: { name: string; protocol: string }) =>
    (port === undefined || port === p.name) && (protocol === undefined || protocol === p.protocol);

  if (svc.externalName !== undefined) {
    // An ExternalName Service has no endpoints and no ports of its own.
    // An address is no CNAME target: CoreDNS serves nothing for such a Service.
    if (endpoint !== undefined || port !== undefined || normalizeIP(svc.externalName)) return NOT_FOUND;
    return { found: true, items: [{ cname: svc.externalName, target: svcName }] };
  }
  const items = svc.headless || endpoint !== undefined
    ? endpointItems(svc, state, svcName, endpoint, portMatches)
    : svc.ports.length
      ? svc.ports.filter(portMatches).flatMap((p) => svc.clusterIPs.map((ip) => ({ ip, port: p.port, target: svcName })))
      : port === undefined ? svc.clusterIPs.map((ip) => ({ ip, target: svcName })) : [];
  // CoreDNS: a Service whose records are all filtered away does not exist (headless without
  // ready endpoints, a port name it does not have).
  return items.length ? { found: true, items } : NOT_FOUND;
}

function endpointItems(svc: ServiceRecord, state: DnsState, svcName: string, endpoint: string | undefined,
  portMatches: (p: { name: string; protocol: string }) => boolean): Item[] {
  const items: Item[] = [];
  for (const e of state.endpoints(svc)) {
    const host = e.hostname ?? dashed(e.ip);
    if (endpoint !== undefined && endpoint !== host) continue;
    const target = `${host}.${svcName}`;
    // A slice without ports still gives its addresses A records (CoreDNS's port -1 sentinel).
    if (!e.ports.length) {
      if (portMatches({ name: '', protocol: '' })) items.push({ ip: e.ip, target });
      continue;
    }
    for (const p of e.ports) if (portMatches(p)) items.push({ ip: e.ip, port: p.port, target });
  }
  return items;
}

function reverse(q: Question, name: string, state: DnsState, cfg: ResolverConfig): Resolution {
  const zone = trimZone(name, 'in-addr.arpa') !== undefined ? 'in-addr.arpa' : 'ip6.arpa';
  const fallback = reply('NXDOMAIN', true, [], [soaRecord(zone, cfg, state.serial)]);
  const ip = addressFromReverse(name);
  if (q.type !== 'PTR' || !ip) return { kind: 'forward', fallback };
  const owners = state.owners(ip);
  if (!owners.length) return { kind: 'forward', fallback };
  const seen = new Set<string>();
  const answers: Answer[] = [];
  for (const o of owners) {
    const ptr = [o.endpoint, o.service, o.namespace, 'svc', cfg.zone].filter(Boolean).join('.');
    if (seen.has(ptr)) continue;
    seen.add(ptr);
    answers.push({ type: 'PTR', name: q.name, ttl: cfg.ttl, class: 'IN', data: ptr });
  }
  return { kind: 'reply', reply: reply('NOERROR', true, answers) };
}
