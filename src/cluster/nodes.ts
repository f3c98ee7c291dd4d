// Node agents for `berth up`: simulated ones, or one real node running pods with runc.
import { join } from 'node:path';
import type { ApiClient } from '../client/index.js';
import { isNotFound, Nodes, type KubeObject } from '../core/index.js';
import { openImages } from '../images/index.js';
import {
  linuxRuntime, nodeAgent, parseCidr, simNodeName, simNodes, toDotted, volumeManager, type Runtime,
} from '../kubelet/index.js';
import { silentLogger, type Logger } from '../controller-runtime/index.js';
import { CLUSTER_DNS_IP, runNodeNetwork } from './network.js';
import type { Component } from './start.js';

export interface NodeSet {
  readonly names: readonly string[];
  readonly components: readonly Component[];
  /** The runtime serving a node's pods, for exec/logs/port-forward. */
  runtimeOf(nodeName: string): Runtime | undefined;
}

export function simNodeSet(count: number, opts: { logger?: Logger } = {}): NodeSet {
  return {
    names: Array.from({ length: count }, (_, i) => simNodeName(i)),
    components: simNodes(count, { logger: opts.logger }),
    // Sim pods run no processes: streams answer that plainly (see pod-streams.ts).
    runtimeOf: () => ({ type: 'sim' }) as Runtime,
  };
}

/** The Linux bridge the real node's pods hang off. */
const POD_BRIDGE = 'berth0';

/** The pod CIDR of the one real node unless `--pod-cidr` says otherwise (kind's default range). */
export const DEFAULT_POD_CIDR = '10.244.0.0/24';

/** `a.b.c.d/n` normalised to its network address; throws a message naming the flag. */
export function normalizePodCidr(cidr: string): string {
  try {
    const c = parseCidr(cidr);
    return `${toDotted(c.base)}/${c.prefix}`;
  } catch (e) {
    throw new Error(`--pod-cidr: ${(e as Error).message}`);
  }
}

/**
 * A node's pod CIDR never changes once set (as in Kubernetes: spec.podCIDR is immutable), so a
 * restart keeps the registered one even when the flag now names another.
 */
async function registeredPodCidr(client: ApiClient, name: string): Promise<string | undefined> {
  try {
    const node = await client.get<KubeObject & { spec?: { podCIDR?: string } }>(Nodes, { name });
    return node.spec?.podCIDR;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export interface LinuxNodeOptions {
  /** Nameservers of ClusterFirst pods; default the cluster DNS this node serves. */
  readonly clusterDNS?: string[];
  /** Run the service proxy and cluster DNS with the node (default true). */
  readonly network?: boolean;
  /** Wanted pod CIDR; a node registered before keeps its own. */
  readonly podCIDR?: string;
  /** Mount rbd volumes through the rbd CLI (berth up --enable-rbd). */
  readonly enableRbd?: boolean;
  readonly logger?: Logger;
}

/** One real node: images and runtime state under the data directory, volumes set up for real. */
export async function linuxNodeSet(dataDir: string, opts: LinuxNodeOptions = {}): Promise<NodeSet> {
  const name = simNodeName(0);
  const wanted = normalizePodCidr(opts.podCIDR ?? DEFAULT_POD_CIDR);
  const images = await openImages({ root: join(dataDir, 'images'), registriesFile: join(dataDir, 'registries.yaml') });
  const runtime = linuxRuntime({ root: join(dataDir, 'runtime'), images, bridge: POD_BRIDGE });
  const component: Component = {
    name: `node-agent/${name}`,
    async run(client, signal, cluster) {
      const registered = await registeredPodCidr(client, name);
      if (registered && registered !== wanted) {
        opts.logger?.error('the node keeps the pod CIDR it registered with; pod CIDRs cannot change (berth reset starts over)', {
          node: name, podCIDR: registered, requested: wanted,
        });
      }
      // The volume manager reads claims and secrets through the same client as the agent.
      const podCIDR = registered ?? wanted;
      const network = opts.network ?? true;
      const volumes = volumeManager({ client, root: join(dataDir, 'pods'), enableRbd: opts.enableRbd, logger: opts.logger });
      const agent = nodeAgent({
        nodeName: name, runtime, podCIDR, address: '127.0.0.1', volumes,
        clusterDNS: opts.clusterDNS ?? (network ? [CLUSTER_DNS_IP] : []), logger: opts.logger,
      });
      const logger = opts.logger ?? silentLogger;
      await Promise.all([
        agent.run(client, signal).finally(() => Promise.all([runtime.close(), volumes.close()])),
        network ? runNodeNetwork(client, signal, cluster, { nodeName: name, podCIDR, bridge: POD_BRIDGE, logger }) : undefined,
      ]);
    },
  };
  return { names: [name], components: [component], runtimeOf: (n) => (n === name ? runtime : undefined) };
}
