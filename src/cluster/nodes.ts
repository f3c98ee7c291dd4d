// Node agents for `berth up`: simulated ones, or one real node running pods with runc.
import { join } from 'node:path';
import { openImages } from '../images/index.js';
import {
  linuxRuntime, nodeAgent, simNodeName, simNodes, volumeManager, type Runtime,
} from '../kubelet/index.js';
import type { Logger } from '../controller-runtime/index.js';
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

/** One real node: images and runtime state under the data directory, volumes set up for real. */
export async function linuxNodeSet(dataDir: string, opts: { clusterDNS?: string[]; logger?: Logger } = {}): Promise<NodeSet> {
  const name = simNodeName(0);
  const images = await openImages({ root: join(dataDir, 'images'), registriesFile: join(dataDir, 'registries.yaml') });
  const runtime = linuxRuntime({ root: join(dataDir, 'runtime'), images });
  const component: Component = {
    name: `node-agent/${name}`,
    run(client, signal) {
      // The volume manager reads claims and secrets through the same client as the agent.
      const agent = nodeAgent({
        nodeName: name, runtime, podCIDR: '10.244.0.0/24', address: '127.0.0.1',
        volumes: volumeManager({ client, root: join(dataDir, 'pods') }),
        clusterDNS: opts.clusterDNS, logger: opts.logger,
      });
      return agent.run(client, signal).finally(() => runtime.close());
    },
  };
  return { names: [name], components: [component], runtimeOf: (n) => (n === name ? runtime : undefined) };
}
