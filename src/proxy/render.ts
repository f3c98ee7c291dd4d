// Contract: renderRuleset() turns Services and EndpointSlices into one nftables transaction that
// replaces the proxy's whole table (`add table` + `delete table` + the new contents, which nft
// applies atomically). Pure: no I/O, and the same input always renders the same text, so the
// proxy can skip a sync whose text did not change.
//
// The rule shape follows kube-proxy's nftables mode (pkg/proxy/nftables): verdict maps keyed by
// `ip . proto . port` jump to one chain per service port, which spreads new connections with
// `numgen random` over one chain per endpoint that DNATs. Ports without usable endpoints are
// rejected (TCP reset, so clients see "connection refused" at once); other
// ports of a ClusterIP are rejected and unallocated addresses of the service CIDR dropped, after
// DNAT, so a service address that was not translated never leaves the host.
import { createHash } from 'node:crypto';
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointSlice } from 'kubernetes-types/discovery/v1.js';

export interface RenderOptions {
  /** nftables table (family ip). */
  readonly table: string;
  /** Cluster IPs come from here; addresses of it that no service holds are dropped. */
  readonly serviceCIDR?: string;
  /** Pods' addresses: their traffic to externalTrafficPolicy=Local services takes the cluster path, as upstream. */
  readonly podCIDR?: string;
  /** This node, for internalTrafficPolicy / externalTrafficPolicy `Local`. */
  readonly nodeName?: string;
  /** Addresses NodePorts answer on; omitted = every local address of the host (`fib daddr type local`). */
  readonly nodeAddresses?: readonly string[];
}

/** kube-proxy's masquerade bit: set while DNATing, turned into SNAT in postrouting. */
const MASQ_MARK = '0x4000';
/** Upstream labels: slices name their service; a proxy name opts a service out of the default proxy. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const SERVICE_PROXY_NAME_LABEL = 'service.kubernetes.io/service-proxy-name';
const DEFAULT_AFFINITY_SECONDS = 10800;

export interface EndpointAddress { readonly ip: string; readonly port: number }

/** One service port as the proxy programs it. */
export interface ServicePortPlan {
  /** `namespace/name/proto/portName`, upstream's ServicePortName. */
  readonly id: string;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
  readonly port: number;
  readonly clusterIPs: readonly string[];
  readonly nodePort?: number;
  /** spec.externalIPs and status.loadBalancer.ingress IPs. */
  readonly externalIPs: readonly string[];
  readonly affinitySeconds?: number;
  /** Where in-cluster traffic goes (internalTrafficPolicy applied). */
  readonly clusterEndpoints: readonly EndpointAddress[];
  /** externalTrafficPolicy=Local: the endpoints on this node, which external traffic is limited to. */
  readonly localEndpoints?: readonly EndpointAddress[];
}

const isIPv4 = (s: string | undefined): s is string => !!s && /^\d{1,3}(\.\d{1,3}){3}$/.test(s);

/**
 * Endpoints usable for traffic: the ready ones; when none is ready, those still serving while
 * terminating (upstream's CategorizeEndpoints). A missing condition counts as upstream reads it:
 * ready and serving default to true, terminating to false.
 */
function usable(eps: readonly (Endpoint & { port: number })[]): EndpointAddress[] {
  const ready = eps.filter((e) => e.conditions?.ready !== false);
  const chosen = ready.length ? ready
    : eps.filter((e) => e.conditions?.serving !== false && e.conditions?.terminating === true);
  const seen = new Map<string, EndpointAddress>();
  for (const e of chosen) {
    for (const ip of e.addresses.slice(0, 1)) { // upstream uses the first address only
      if (isIPv4(ip)) seen.set(`${ip}:${e.port}`, { ip, port: e.port });
    }
  }
  return [...seen.values()].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

/** Services that this proxy programs, with their endpoints resolved from the slices. */
export function planServices(services: readonly Service[], slices: readonly EndpointSlice[],
  opts: Pick<RenderOptions, 'nodeName'> = {}): ServicePortPlan[] {
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const owner = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!owner || s.addressType !== 'IPv4' || s.metadata?.deletionTimestamp) continue;
    const key = `${s.metadata?.namespace}/${owner}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), s]);
  }
  const plans: ServicePortPlan[] = [];
  for (const svc of services) {
    const spec = svc.spec;
    if (!spec || spec.type === 'ExternalName' || svc.metadata?.labels?.[SERVICE_PROXY_NAME_LABEL] !== undefined) continue;
    const clusterIPs = (spec.clusterIPs?.length ? spec.clusterIPs : [spec.clusterIP]).filter(isIPv4);
    if (!clusterIPs.length) continue; // headless (None) or IPv6-only
    const ns = svc.metadata?.namespace ?? 'default';
    const name = svc.metadata?.name ?? '';
    const externalIPs = [...(spec.externalIPs ?? []), ...(svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip)]
      .filter(isIPv4);
    const affinitySeconds = spec.sessionAffinity === 'ClientIP'
      ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS : undefined;
    for (const sp of spec.ports ?? []) {
      const protocol = (sp.protocol ?? 'TCP').toLowerCase() as ServicePortPlan['protocol'];
      const eps = endpointsFor(slicesByService.get(`${ns}/${name}`) ?? [], sp);
      const local = eps.filter((e) => !!opts.nodeName && e.nodeName === opts.nodeName);
      const hasExternal = !!sp.nodePort || externalIPs.length > 0;
      plans.push({
        id: `${ns}/${name}/${protocol}/${sp.name ?? ''}`, protocol, port: sp.port, clusterIPs,
        nodePort: spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? sp.nodePort : undefined,
        externalIPs, affinitySeconds,
        clusterEndpoints: usable(spec.internalTrafficPolicy === 'Local' ? local : eps),
        localEndpoints: hasExternal && spec.externalTrafficPolicy === 'Local' ? usable(local) : undefined,
      });
    }
  }
  return plans.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The slices' endpoints for one service port: slice ports match by name and protocol. */
function endpointsFor(slices: readonly EndpointSlice[], sp: ServicePort): (Endpoint & { port: number })[] {
  const out: (Endpoint & { port: number })[] = [];
  for (const s of slices) {
    const p = (s.ports ?? []).find((x) => (x.name ?? '') === (sp.name ?? '') && (x.protocol ?? 'TCP') === (sp.protocol ?? 'TCP'));
    if (p?.port === undefined) continue;
    for (const e of s.endpoints ?? []) out.push({ ...e, port: p.port });
  }
  return out;
}

/** Chain names: a hash keeps them unique and stable; the readable part is for whoever runs `nft list`. */
function chainName(kind: string, id: string): string {
  const hash = createHash('sha256').update(id).digest('base64url').replace(/[-_]/g, 'x').slice(0, 8).toUpperCase();
  return `${kind}-${hash}-${id}`;
}

const endpointId = (sp: ServicePortPlan, ep: EndpointAddress) => `${sp.id}__${ep.ip}/${ep.port}`;

/** The whole transaction for `nft -f -`. */
export function renderRuleset(services: readonly Service[], slices: readonly EndpointSlice[], opts: RenderOptions): string {
  return renderPlans(planServices(services, slices, opts), opts);
}

export function renderPlans(plans: readonly ServicePortPlan[], opts: RenderOptions): string {
  const t = `ip ${opts.table}`;
  // nft resolves a jump when it reads it, so every chain, set and map is declared before any rule.
  const decls: string[] = [];
  const body: string[] = [];
  const add = (s: string) => (/^(table|chain|set|map) /.test(s) ? decls : body).push(`add ${s.replace('%T', t)}`);
  const nodeMatch = opts.nodeAddresses ? 'ip daddr @nodeport-ips' : 'fib daddr type local';

  // Create-then-delete makes the delete valid whether or not the table exists; the whole
  // file is one transaction, so no packet ever sees a half-written table.
  decls.push(`add table ${t}`, `delete table ${t}`);
  add('table %T { comment "service proxy (berth)" ; }');
  add('set %T cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }');
  if (opts.nodeAddresses) add('set %T nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }');
  add('map %T service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }');
  add('map %T service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }');
  add('map %T no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "drop or reject service IPs without endpoints" ; }');
  add('map %T no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment "drop or reject NodePorts without endpoints" ; }');

  // Base chains: DNAT where packets enter (prerouting: pods and other hosts; output: this host),
  // masquerade on the way out, and the reject/drop checks after DNAT (filter priority 0).
  add('chain %T nat-prerouting { type nat hook prerouting priority -100 ; }');
  add('chain %T nat-output { type nat hook output priority -100 ; }');
  add('chain %T nat-postrouting { type nat hook postrouting priority 100 ; }');
  add('chain %T filter-input { type filter hook input priority 0 ; }');
  add('chain %T filter-forward { type filter hook forward priority 0 ; }');
  add('chain %T filter-output { type filter hook output priority 0 ; }');
  for (const c of ['services', 'masquerading', 'mark-for-masquerade', 'reject-chain', 'service-endpoints-check',
    'nodeport-endpoints-check', 'cluster-ips-check']) add(`chain %T ${c}`);

  add('rule %T nat-prerouting jump services');
  add('rule %T nat-output jump services');
  add('rule %T nat-postrouting jump masquerading');
  add('rule %T services ip daddr . meta l4proto . th dport vmap @service-ips');
  add(`rule %T services ${nodeMatch} meta l4proto . th dport vmap @service-nodeports`);
  add(`rule %T mark-for-masquerade meta mark set meta mark or ${MASQ_MARK}`);
  add(`rule %T masquerading meta mark and ${MASQ_MARK} == 0 return`);
  add(`rule %T masquerading meta mark set meta mark xor ${MASQ_MARK}`);
  add('rule %T masquerading masquerade fully-random');
  // TCP gets a reset: ICMP errors are rate-limited per client (net.ipv4.icmp_ratelimit) and
  // share that budget with the redirects a bridge sends for pod traffic it routes back onto
  // itself, so a plain reject can leave a client waiting for its SYN retry; UDP and SCTP get
  // icmp port-unreachable, as upstream.
  add('rule %T reject-chain meta l4proto tcp reject with tcp reset');
  add('rule %T reject-chain reject');
  add('rule %T filter-input ct state new jump nodeport-endpoints-check');
  add('rule %T filter-input ct state new jump service-endpoints-check');
  add('rule %T filter-forward ct state new jump service-endpoints-check');
  add('rule %T filter-forward ct state new jump cluster-ips-check');
  add('rule %T filter-output ct state new jump service-endpoints-check');
  add('rule %T filter-output ct state new jump cluster-ips-check');
  add('rule %T service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services');
  add(`rule %T nodeport-endpoints-check ${nodeMatch} meta l4proto . th dport vmap @no-endpoint-nodeports`);
  add('rule %T cluster-ips-check ip daddr @cluster-ips goto reject-chain comment "Reject traffic to invalid ports of ClusterIPs"');
  if (opts.serviceCIDR) add(`rule %T cluster-ips-check ip daddr ${opts.serviceCIDR} drop comment "Drop traffic to unallocated ClusterIPs"`);
  if (opts.nodeAddresses?.length) add(`element %T nodeport-ips { ${[...new Set(opts.nodeAddresses)].join(', ')} }`);

  const clusterIPs = new Set<string>();
  for (const sp of plans) {
    body.push('', `# ${sp.id}`);
    sp.clusterIPs.forEach((ip) => clusterIPs.add(ip));
    const key = (ip: string) => `${ip} . ${sp.protocol} . ${sp.port}`;
    const nodePortKey = sp.nodePort ? `${sp.protocol} . ${sp.nodePort}` : undefined;
    const svcChain = chainName('service', sp.id);
    const extChain = chainName('external', sp.id);
    const hasEndpoints = sp.clusterEndpoints.length > 0;
    const local = sp.localEndpoints;
    const endpoints = new Map<string, EndpointAddress>();
    for (const ep of [...sp.clusterEndpoints, ...(local ?? [])]) endpoints.set(endpointId(sp, ep), ep);

    if (sp.affinitySeconds !== undefined) {
      for (const id of endpoints.keys()) {
        add(`set %T ${chainName('affinity', id)} { type ipv4_addr ; flags dynamic,timeout ; timeout ${sp.affinitySeconds}s ; }`);
      }
    }
    const spread = (chain: string, eps: readonly EndpointAddress[]) => {
      if (sp.affinitySeconds !== undefined) {
        for (const ep of eps) {
          const id = endpointId(sp, ep);
          add(`rule %T ${chain} ip saddr @${chainName('affinity', id)} goto ${chainName('endpoint', id)}`);
        }
      }
      const arms = eps.map((ep, i) => `${i} : goto ${chainName('endpoint', endpointId(sp, ep))}`);
      add(`rule %T ${chain} numgen random mod ${eps.length} vmap { ${arms.join(' , ')} }`);
    };

    if (hasEndpoints) {
      add(`chain %T ${svcChain}`);
      // Every proxied connection is masqueraded. Upstream masquerades clients from outside the
      // pod network and relies on br_netfilter for the rest; pods here share one L2 bridge and
      // the proxy changes no global sysctl, so a reply from a pod on the same bridge would go
      // straight to the client, un-translated, unless the client's address is the host's.
      add(`rule %T ${svcChain} jump mark-for-masquerade`);
      spread(svcChain, sp.clusterEndpoints);
    }
    if (local && (hasEndpoints || local.length)) {
      add(`chain %T ${extChain}`);
      // externalTrafficPolicy=Local: pods and the host itself still reach every endpoint (upstream's short-circuits).
      if (opts.podCIDR && hasEndpoints) add(`rule %T ${extChain} ip saddr ${opts.podCIDR} goto ${svcChain} comment "short-circuit pod traffic"`);
      if (hasEndpoints) add(`rule %T ${extChain} fib saddr type local goto ${svcChain} comment "short-circuit local traffic"`);
      if (local.length) spread(extChain, local);
    }
    for (const [id, ep] of endpoints) {
      const chain = chainName('endpoint', id);
      add(`chain %T ${chain}`);
      if (sp.affinitySeconds !== undefined) add(`rule %T ${chain} update @${chainName('affinity', id)} { ip saddr }`);
      add(`rule %T ${chain} meta l4proto ${sp.protocol} dnat to ${ep.ip}:${ep.port}`);
    }

    // Verdicts: ClusterIPs go to the service chain; external addresses and NodePorts to the
    // external chain when the policy is Local, else straight to the service chain.
    const external = local ? (local.length || hasEndpoints ? `goto ${extChain}` : undefined) : hasEndpoints ? `goto ${svcChain}` : undefined;
    // No endpoint at all: reject everywhere. Local policy with no endpoint on this node: drop external traffic (upstream).
    const externalMiss = !hasEndpoints ? 'goto reject-chain' : local && !local.length ? 'drop' : undefined;
    for (const ip of sp.clusterIPs) {
      if (hasEndpoints) add(`element %T service-ips { ${key(ip)} : goto ${svcChain} }`);
      else add(`element %T no-endpoint-services { ${key(ip)} : goto reject-chain }`);
    }
    for (const ip of sp.externalIPs) {
      if (external) add(`element %T service-ips { ${key(ip)} : ${external} }`);
      if (externalMiss) add(`element %T no-endpoint-services { ${key(ip)} : ${externalMiss} }`);
    }
    if (nodePortKey) {
      if (external) add(`element %T service-nodeports { ${nodePortKey} : ${external} }`);
      if (externalMiss) add(`element %T no-endpoint-nodeports { ${nodePortKey} : ${externalMiss} }`);
    }
  }
  if (clusterIPs.size) add(`element %T cluster-ips { ${[...clusterIPs].sort().join(', ')} }`);
  return `${[...decls, '', ...body].join('\n')}\n`;
}
