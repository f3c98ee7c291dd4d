// `kubectl get pods`: upstream's pod printer, including its STATUS rules (init containers,
// waiting/terminated reasons, Completed vs Running, Terminating) and RESTARTS `n (5m ago)`.
import type { Container, ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { parseTimestamp, timestampSince } from '../../../core/index.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, NAME_COLUMN, type Obj } from '../printing.js';

/** Why the node controller marks pods on an unreachable node (util/node.NodeUnreachablePodReason). */
const NODE_UNREACHABLE_REASON = 'NodeLost';

/** A sidecar: an init container with restartPolicy Always keeps running next to the app. */
const isRestartable = (c: Container | undefined): boolean => c?.restartPolicy === 'Always';

const hasCondition = (conds: PodCondition[] | undefined, type: string): boolean =>
  (conds ?? []).some((c) => c.type === type && c.status === 'True');

/** PodInitialized is judged by the first condition of that type only. */
function initializedTrue(conds: PodCondition[] | undefined): boolean {
  const c = (conds ?? []).find((x) => x.type === 'Initialized');
  return c?.status === 'True';
}

/** ms of lastTerminationState.terminated.finishedAt, -Infinity (Go's zero time) when unset. */
const finishedAt = (s: ContainerStatus): number =>
  parseTimestamp(s.lastState?.terminated?.finishedAt) ?? -Infinity;

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** READY, STATUS and RESTARTS of one pod, computed as upstream's printPod does. */
export function summarizePod(pod: Pod, now: Date): PodSummary {
  const spec = pod.spec, st = pod.status ?? {};
  let restarts = 0;
  let sidecarRestarts = 0;
  let total = spec?.containers?.length ?? 0;
  let ready = 0;
  let lastRestart = -Infinity;
  let lastSidecarRestart = -Infinity;

  let reason = st.reason ? st.reason : (st.phase ?? '');
  if ((st.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }

  const initByName = new Map<string, Container>();
  for (const c of spec?.initContainers ?? []) {
    initByName.set(c.name, c);
    if (isRestartable(c)) total++;
  }

  let initializing = false;
  const initStatuses = st.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    restarts += cs.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    const sidecar = isRestartable(initByName.get(cs.name));
    if (sidecar) {
      sidecarRestarts += cs.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(cs));
    }
    const term = cs.state?.terminated, wait = cs.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready) ready++;
      continue;
    }
    if (term) {
      reason = term.reason ? `Init:${term.reason}`
        : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
    } else if (wait?.reason && wait.reason !== 'PodInitializing') {
      reason = `Init:${wait.reason}`;
    } else {
      reason = `Init:${i}/${spec?.initContainers?.length ?? 0}`;
    }
    initializing = true;
    break; // the first unfinished init container decides
  }

  if (!initializing || initializedTrue(st.conditions)) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = st.containerStatuses ?? [];
    // Walk backwards so the first container's reason is the one that sticks.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += cs.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const term = cs.state?.terminated, wait = cs.state?.waiting;
      if (wait?.reason) reason = wait.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (cs.ready && cs.state?.running) { hasRunning = true; ready++; }
    }
    // A pod whose containers partly completed is still Running while one of them runs.
    if (reason === 'Completed' && hasRunning) {
      reason = hasCondition(st.conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && st.reason === NODE_UNREACHABLE_REASON) reason = 'Unknown';
  else if (deleting && st.phase !== 'Succeeded' && st.phase !== 'Failed') reason = 'Terminating';

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart !== -Infinity) {
    restartsCell = `${restarts} (${timestampSince(new Date(lastRestart), now)} ago)`;
  }
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsCell };
}

/** status.podIPs[0], with status.podIP authoritative as in the v1 conversion. */
const podIP = (pod: Pod): string => pod.status?.podIP || pod.status?.podIPs?.[0]?.ip || '';

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  let trueCount = 0;
  for (const g of gates) {
    const cond = (pod.status?.conditions ?? []).find((c) => c.type === g.conditionType);
    if (cond?.status === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

export const podTable: TableSpec<Obj<Pod>> = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'Ready containers out of all containers (sidecars included).'),
    column('Status', 'Summary of the pod and container states.'),
    column('Restarts', 'Container restarts, with the time since the last one.'),
    AGE_COLUMN,
    column('IP', 'The pod IP address.', { wide: true }),
    column('Node', 'The node the pod is bound to.', { wide: true }),
    column('Nominated Node', 'The node the scheduler nominated by preemption.', { wide: true }),
    column('Readiness Gates', 'Readiness gate conditions that are True, out of all gates.', { wide: true }),
  ],
  row(pod, now) {
    const s = summarizePod(pod, now);
    return [
      pod.metadata?.name ?? '', s.ready, s.status, s.restarts, age(pod, now),
      podIP(pod) || '<none>', pod.spec?.nodeName || '<none>', pod.status?.nominatedNodeName || '<none>',
      readinessGates(pod),
    ];
  },
};
