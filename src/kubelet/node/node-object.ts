// The Node object an agent registers and the status it reports (upstream kubelet
// initialNode + setNodeStatus): default labels, capacity/allocatable, the four conditions in
// upstream's order with its reasons and messages, addresses, daemon endpoint and nodeInfo.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, release } from 'node:os';
import type { Node, NodeCondition, NodeStatus, Taint } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../time.js';

export const KUBELET_VERSION = 'v1.33.0-berth';
export const KUBELET_PORT = 10250;

export interface NodeIdentity {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly podCIDR?: string;
  readonly addresses: ReadonlyArray<{ type: string; address: string }>;
  readonly capacity: Readonly<Record<string, string>>;
  readonly allocatable: Readonly<Record<string, string>>;
  readonly containerRuntimeVersion: string;
  /** Stable for the agent's life: a new boot ID tells upstream controllers the node rebooted. */
  readonly bootID: string;
  readonly machineID: string;
}

/** Go's GOARCH spelling of Node's process.arch. */
export function goArch(a: string = arch()): string {
  return ({ x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[a] ?? a;
}

/** PRETTY_NAME from /etc/os-release, as the kubelet reports osImage. */
export function osImage(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m?.[1]) return m[1];
  } catch { /* not Linux, or no os-release: fall through */ }
  return 'Linux';
}

export function defaultLabels(name: string): Record<string, string> {
  const goarch = goArch();
  return {
    'beta.kubernetes.io/arch': goarch, 'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': goarch, 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux',
  };
}

export const newBootID = () => randomUUID();

type ConditionSpec = Pick<NodeCondition, 'type' | 'status' | 'reason' | 'message'>;

/** The healthy conditions a node without pressure reports. */
export function healthyConditions(): ConditionSpec[] {
  return [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
  ];
}

/** Status to post now; conditions keep their lastTransitionTime while their status holds. */
export function nodeStatus(id: NodeIdentity, previous: NodeStatus | undefined, now: number): NodeStatus {
  const before = new Map((previous?.conditions ?? []).map((c) => [c.type, c]));
  const conditions: NodeCondition[] = healthyConditions().map((c) => {
    const old = before.get(c.type);
    return {
      ...c, lastHeartbeatTime: rfc3339(now),
      lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now),
    };
  });
  return {
    ...(previous ?? {}),
    capacity: { ...id.capacity },
    allocatable: { ...id.allocatable },
    conditions,
    addresses: id.addresses.map((a) => ({ ...a })),
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: {
      machineID: id.machineID, systemUUID: id.machineID, bootID: id.bootID, kernelVersion: release(), osImage: osImage(),
      containerRuntimeVersion: id.containerRuntimeVersion, kubeletVersion: KUBELET_VERSION, kubeProxyVersion: '',
      operatingSystem: 'linux', architecture: goArch(),
    },
  };
}

/** The object a fresh registration creates. */
export function initialNode(id: NodeIdentity, now: number): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: id.name, labels: { ...id.labels },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {
      ...(id.podCIDR ? { podCIDR: id.podCIDR, podCIDRs: [id.podCIDR] } : {}),
      ...(id.taints.length ? { taints: id.taints.map((t) => ({ ...t })) } : {}),
    },
    status: nodeStatus(id, undefined, now),
  };
}

/** Conditions and info that matter (everything but heartbeat times). */
export function statusFingerprint(s: NodeStatus | undefined): string {
  return JSON.stringify({
    ...s, conditions: (s?.conditions ?? []).map((c) => ({ ...c, lastHeartbeatTime: undefined })),
  });
}
