// simNodes(n): n node agents on sim runtimes, named and addressed like a kind cluster so the
// output of kubectl looks familiar:
//   n = 1  berth-control-plane
//   n = 3  berth-control-plane, berth-worker, berth-worker2
// The first node carries the node-role.kubernetes.io/control-plane label (ROLES control-plane)
// but no taint, so every node takes pods. Node i gets InternalIP 172.18.0.<i+2> and pod CIDR
// 10.244.<8i>.0/21 (2,046 addresses: room for its 2,000 pods). Sim capacity is generous (8
// CPUs, 32Gi, 2000 pods) so one node holds the 1,000-replica benchmark; pass `capacity` to
// model tighter nodes.
import { nodeAgent, type AgentComponent, type NodeAgentOptions } from './agent.js';
import { simRuntime } from './runtime/index.js';

export const SIM_NODE_CAPACITY: Readonly<Record<string, string>> = { cpu: '8', memory: '32Gi', pods: '2000', 'ephemeral-storage': '100Gi' };

export const simPodCIDR = (index: number) => `10.244.${index * 8}.0/21`;

export function simNodeName(index: number, prefix = 'berth'): string {
  if (index === 0) return `${prefix}-control-plane`;
  return index === 1 ? `${prefix}-worker` : `${prefix}-worker${index}`;
}

export type SimNodeOptions = Partial<Omit<NodeAgentOptions, 'nodeName' | 'runtime' | 'podCIDR' | 'address'>> & {
  /** Name prefix; default `berth`. */
  readonly prefix?: string;
};

export function simNodes(n = 1, opts: SimNodeOptions = {}): AgentComponent[] {
  const { prefix, ...rest } = opts;
  return Array.from({ length: n }, (_, i) => nodeAgent({
    capacity: SIM_NODE_CAPACITY,
    ...rest,
    labels: { ...(i === 0 ? { 'node-role.kubernetes.io/control-plane': '' } : {}), ...(rest.labels ?? {}) },
    nodeName: simNodeName(i, prefix),
    runtime: simRuntime(),
    podCIDR: simPodCIDR(i),
    address: `172.18.0.${i + 2}`,
  }));
}
