// The node's share of cluster networking on the linux runtime: the service proxy (kube-proxy's
// nftables mode) and cluster DNS. Like kubeadm's clusters, DNS is the `kube-dns` Service in
// kube-system at 10.96.0.10; its one endpoint is the Berth process itself, listening on the pod
// bridge's address, so the proxy carries pods' queries to it like to any other Service.
import type { ApiClient } from '../client/index.js';
import { sleep, realClock, type Logger } from '../controller-runtime/index.js';
import { EndpointSlices, Endpoints, isAlreadyExists, isConflict, isNotFound, Services, type KubeObject, type ResourceType } from '../core/index.js';
import { clusterDns } from '../dns/index.js';
import { gatewayOf, parseCidr } from '../kubelet/index.js';
import { serviceProxy } from '../proxy/index.js';
import type { ClusterContext } from './start.js';

export const SERVICE_CIDR = '10.96.0.0/12';
/** kubeadm's cluster DNS address: the tenth of the service range. */
export const CLUSTER_DNS_IP = '10.96.0.10';
const DNS_PORTS = [
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'dns-tcp', port: 53, protocol: 'TCP' },
] as const;
// Who writes kube-dns's endpoints: the node serving DNS, as the API server writes `kubernetes`'s.
const MANAGED_BY = 'node-network.berth.dev';

export interface NodeNetworkOptions {
  readonly nodeName: string;
  readonly podCIDR: string;
  readonly bridge: string;
  readonly logger: Logger;
}

export function kubeDnsObjects(dnsAddress: string, nodeName: string): Array<[ResourceType, KubeObject]> {
  const labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' };
  const meta = (name: string, extra: Record<string, string> = {}) => ({ name, namespace: 'kube-system', labels: { ...labels, ...extra } });
  return [
    [Services, {
      apiVersion: 'v1', kind: 'Service', metadata: meta('kube-dns'),
      spec: { clusterIP: CLUSTER_DNS_IP, ports: DNS_PORTS.map((p) => ({ ...p, targetPort: 53 })) },
    }],
    // The mirroring controller must not copy these: the slice below is written alongside.
    [Endpoints, {
      apiVersion: 'v1', kind: 'Endpoints', metadata: meta('kube-dns', { 'endpointslice.kubernetes.io/skip-mirror': 'true' }),
      subsets: [{ addresses: [{ ip: dnsAddress, nodeName }], ports: DNS_PORTS.map((p) => ({ ...p })) }],
    }],
    [EndpointSlices, {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: meta('kube-dns-node', { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': MANAGED_BY }),
      addressType: 'IPv4',
      endpoints: [{ addresses: [dnsAddress], conditions: { ready: true, serving: true, terminating: false }, nodeName }],
      ports: DNS_PORTS.map((p) => ({ ...p })),
    }],
  ];
}

// What follows the node on a restart (another pod CIDR moves the address); a Service keeps what
// the server set on it.
const NODE_FIELDS: Record<string, readonly string[]> = { Endpoints: ['subsets'], EndpointSlice: ['endpoints', 'ports'] };

/** Creates the object, or brings the node-owned fields of an existing one up to date. */
async function apply(client: ApiClient, type: ResourceType, want: KubeObject): Promise<void> {
  const key = { namespace: want.metadata?.namespace, name: want.metadata!.name! };
  const fields = NODE_FIELDS[type.kind] ?? [];
  for (;;) {
    try {
      const have = await client.get(type, key);
      if (fields.every((f) => JSON.stringify(have[f]) === JSON.stringify(want[f]))) return;
      await client.update(type, { ...have, ...Object.fromEntries(fields.map((f) => [f, want[f]])) });
      return;
    } catch (e) {
      if (isConflict(e)) continue;
      if (!isNotFound(e)) throw e;
    }
    try {
      await client.create(type, want);
      return;
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }
}

function isAddressNotReady(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EADDRNOTAVAIL';
}

/** Serves DNS on the bridge address once the node agent has put it there. */
async function runDns(client: ApiClient, signal: AbortSignal, cluster: ClusterContext, opts: NodeNetworkOptions, address: string): Promise<void> {
  for (const [type, obj] of kubeDnsObjects(address, opts.nodeName)) await apply(client, type, obj);
  while (!signal.aborted) {
    const dns = clusterDns({ listen: { host: address, port: 53 }, nameservers: [CLUSTER_DNS_IP], logger: opts.logger });
    try {
      await dns.run(client, signal, cluster);
      return;
    } catch (e) {
      if (!isAddressNotReady(e)) throw e;
      await sleep(realClock, 200, signal);
    }
  }
}

/** The proxy and DNS, each on its own: one failing is logged and leaves the other (and the pods) running. */
export async function runNodeNetwork(client: ApiClient, signal: AbortSignal, cluster: ClusterContext, opts: NodeNetworkOptions): Promise<void> {
  const address = gatewayOf(parseCidr(opts.podCIDR));
  const proxy = serviceProxy({ serviceCIDR: SERVICE_CIDR, podCIDR: opts.podCIDR, bridge: opts.bridge, nodeName: opts.nodeName, logger: opts.logger });
  const guard = (what: string, p: Promise<void>) => p.catch((e: unknown) => {
    if (!signal.aborted) opts.logger.error(`${what} stopped`, { error: e });
  });
  await Promise.all([
    guard('service proxy', proxy.run(client, signal, cluster)),
    guard('cluster DNS', runDns(client, signal, cluster, opts, address)),
  ]);
}
