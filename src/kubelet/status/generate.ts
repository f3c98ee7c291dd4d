// The pod's API status from runtime-native facts (upstream kubelet generateAPIPodStatus).
// Pure: the same inputs give the same status, so the agent writes only when it changed.
//
// - Conditions the kubelet owns come first, in upstream's order: PodReadyToStartContainers,
//   Initialized, Ready, ContainersReady; the others (PodScheduled, readiness gates, ...) are
//   kept as they are, and PodScheduled=True is added when the pod never went through a
//   scheduler. A condition keeps its lastTransitionTime while its status holds.
// - A terminal phase (Succeeded/Failed) is never left again.
// - A pod being terminated ends with every container terminated: one that never ran is
//   reported as ContainerStatusUnknown, exit code 137 (as upstream does).
// - podIPs come from the sandbox (the node's IPs for host-network pods) and stay after the
//   sandbox is gone; startTime is set once, when the agent first accepts the pod.
import type { ContainerStatus as ContainerStatus_, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus, SandboxStatus } from '../runtime/index.js';
import { rfc3339 } from '../time.js';
import { apiContainerStatus, type Waiting } from './container-status.js';
import { containersReadyCondition, initializedCondition, podPhase, readyCondition } from './phase.js';

export interface ProbeView {
  started(container: string): boolean;
  ready(container: string): boolean;
}

export interface StatusInput {
  readonly pod: Pod;
  readonly runtimeType: string;
  /** The pod's current sandbox, if any. */
  readonly sandbox?: SandboxStatus;
  /** The pod's containers, every attempt. */
  readonly containers: readonly ContainerStatus[];
  readonly hostIPs: readonly string[];
  readonly probes: ProbeView;
  /** Containers the agent holds back, by name. */
  readonly waiting: ReadonlyMap<string, Waiting>;
  /** The pod is being shut down for good: its phase becomes terminal once all stopped. */
  readonly terminating: boolean;
  readonly now: Date;
}

const KUBELET_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'];
const TERMINAL = new Set(['Succeeded', 'Failed']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function generatePodStatus(input: StatusInput): PodStatus {
  const { pod, now } = input;
  const spec = pod.spec ?? { containers: [] };
  const old = pod.status ?? {};
  const attempts = new Map<string, ContainerStatus[]>();
  for (const c of input.containers) {
    const list = attempts.get(c.name) ?? [];
    list.push(c);
    attempts.set(c.name, list);
  }
  for (const list of attempts.values()) list.sort((a, b) => a.attempt - b.attempt);

  const hasInit = (spec.initContainers ?? []).length > 0;
  const convert = (c: (typeof spec.containers)[number]) => apiContainerStatus(c, attempts.get(c.name) ?? [], {
    runtimeType: input.runtimeType,
    defaultWaitingReason: hasInit ? 'PodInitializing' : 'ContainerCreating',
    waiting: input.waiting.get(c.name),
    started: input.probes.started(c.name),
    ready: input.probes.ready(c.name),
  });

  // A pod shut down before a container ever ran: that container ends "unknown" with 137.
  const settle = (s: ContainerStatus_) => (input.terminating && s.state?.waiting
    ? { ...s, state: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' } } }
    : s);
  const status: Mutable<PodStatus> = { ...old };
  if (hasInit) status.initContainerStatuses = (spec.initContainers ?? []).map(convert).map(settle);
  status.containerStatuses = spec.containers.map(convert).map(settle);

  const phase = TERMINAL.has(old.phase ?? '') ? old.phase! : podPhase(spec, status, input.terminating);
  status.phase = phase;

  const sandboxReady = input.sandbox?.state === 'ready';
  const containersReady = containersReadyCondition(spec, status, phase);
  const owned = [
    sandboxReady ? { type: 'PodReadyToStartContainers', status: 'True' } : { type: 'PodReadyToStartContainers', status: 'False' },
    initializedCondition(spec, status),
    readyCondition(spec, status, containersReady),
    containersReady,
  ];
  const previous = new Map((old.conditions ?? []).map((c) => [c.type, c]));
  const conditions: PodCondition[] = owned.map((c) => {
    const before = previous.get(c.type);
    const since = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : rfc3339(now);
    return { ...c, lastProbeTime: null, lastTransitionTime: since } as unknown as PodCondition;
  });
  for (const c of old.conditions ?? []) if (!KUBELET_CONDITIONS.includes(c.type)) conditions.push(c);
  // A pod bound without the scheduler (spec.nodeName at creation) is scheduled all the same.
  if (!previous.has('PodScheduled')) {
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(now) } as unknown as PodCondition);
  }
  status.conditions = conditions;

  if (input.hostIPs.length) {
    status.hostIP = input.hostIPs[0];
    status.hostIPs = input.hostIPs.map((ip) => ({ ip }));
  }
  const podIPs = spec.hostNetwork ? input.hostIPs : (input.sandbox?.ips ?? []);
  if (podIPs.length) {
    status.podIP = podIPs[0];
    status.podIPs = podIPs.map((ip) => ({ ip }));
  }
  status.startTime ??= rfc3339(now);
  return status;
}
