// Pod phase and the kubelet-owned conditions, from API container statuses (upstream kubelet
// getPhase and pkg/kubelet/status generate.go). Pure.
//
// Phase rules, in order:
// - an init container failed and restartPolicy is Never → Failed;
// - an init container still pending, or a container waiting (never ran) → Pending;
// - some container running and none unknown → Running;
// - all containers stopped: a pod being terminated → Succeeded if every one exited 0, else
//   Failed; otherwise Always → Running (they restart), all exited 0 → Succeeded, Never →
//   Failed, OnFailure → Running (restarting the failed ones);
// - anything else → Pending.
import type { ContainerStatus, PodCondition, PodSpec, PodStatus } from 'kubernetes-types/core/v1.js';

const isSidecar = (c: { restartPolicy?: string }) => c.restartPolicy === 'Always';
const byName = (list: readonly ContainerStatus[] | undefined, name: string) => list?.find((s) => s.name === name);

export function podPhase(spec: PodSpec, status: PodStatus, terminating: boolean): string {
  let pendingInit = 0, pendingSidecars = 0, failedInit = 0;
  for (const c of spec.initContainers ?? []) {
    const s = byName(status.initContainerStatuses, c.name);
    if (isSidecar(c)) {
      if (!s?.started) pendingSidecars++;
      continue;
    }
    if (!s) pendingInit++;
    else if (s.state?.running) pendingInit++;
    else if (s.state?.terminated) { if (s.state.terminated.exitCode !== 0) failedInit++; }
    else if (s.lastState?.terminated) { if (s.lastState.terminated.exitCode !== 0) failedInit++; }
    else pendingInit++;
  }
  let unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const c of spec.containers ?? []) {
    const s = byName(status.containerStatuses, c.name);
    if (!s) unknown++;
    else if (s.state?.running) running++;
    else if (s.state?.terminated) { stopped++; if (s.state.terminated.exitCode === 0) succeeded++; }
    else if (s.state?.waiting) { if (s.lastState?.terminated) stopped++; else waiting++; }
    else unknown++;
  }
  const policy = spec.restartPolicy ?? 'Always';
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  // Sidecars that never started hold the pod back only until the regular containers ran.
  if (pendingInit > 0 || (pendingSidecars > 0 && running + stopped === 0)) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (terminating) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return policy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

type Condition = Omit<PodCondition, 'lastProbeTime' | 'lastTransitionTime'>;

const list = (names: string[]) => `[${names.join(' ')}]`;

export function initializedCondition(spec: PodSpec, status: PodStatus): Condition {
  const incomplete: string[] = [];
  for (const c of spec.initContainers ?? []) {
    const s = byName(status.initContainerStatuses, c.name);
    const done = isSidecar(c) ? s?.started === true : s?.state?.terminated?.exitCode === 0;
    if (!done) incomplete.push(c.name);
  }
  // Once the pod has run its containers, initialization is over even if an init container's
  // record was lost (upstream keeps Initialized True after the first regular container started).
  const regularStarted = (status.containerStatuses ?? []).some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  if (incomplete.length === 0 || regularStarted) return { type: 'Initialized', status: 'True' };
  return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: ${list(incomplete)}` };
}

export function containersReadyCondition(spec: PodSpec, status: PodStatus, phase: string): Condition {
  const unknown: string[] = [], unready: string[] = [];
  const check = (name: string, statuses: ContainerStatus[] | undefined) => {
    const s = byName(statuses, name);
    if (!s) unknown.push(name);
    else if (!s.ready) unready.push(name);
  };
  for (const c of spec.initContainers ?? []) if (isSidecar(c)) check(c.name, status.initContainerStatuses);
  for (const c of spec.containers ?? []) check(c.name, status.containerStatuses);
  if (phase === 'Succeeded' && unknown.length === 0) {
    return { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' };
  }
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${list(unknown)}`);
  if (unready.length) messages.push(`containers with unready status: ${list(unready)}`);
  if (messages.length) return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: messages.join(', ') };
  return { type: 'ContainersReady', status: 'True' };
}

export function readyCondition(spec: PodSpec, status: PodStatus, containersReady: Condition): Condition {
  if (containersReady.status !== 'True') {
    return { type: 'Ready', status: 'False', reason: containersReady.reason, ...(containersReady.message ? { message: containersReady.message } : {}) };
  }
  const gateMessages: string[] = [];
  for (const gate of spec.readinessGates ?? []) {
    const c = (status.conditions ?? []).find((x) => x.type === gate.conditionType);
    if (!c) gateMessages.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') gateMessages.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  if (gateMessages.length) return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: gateMessages.join(', ') };
  return { type: 'Ready', status: 'True' };
}
