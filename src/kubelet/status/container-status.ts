// Runtime containers → API container statuses (upstream kubelet convertToAPIContainerStatuses),
// for one container of the spec from all its attempts. Pure.
//
// - The latest attempt gives state, containerID, image and imageID; restartCount is its attempt
//   number; the attempt before it (if it exited) is lastState.terminated.
// - A container the agent holds back (crash-loop backoff, image errors) shows state.waiting with
//   that reason and the exited attempt as lastState.
// - A container not created yet is waiting with the default reason: ContainerCreating, or
//   PodInitializing when the pod has init containers.
// - ready needs running + started + readiness; started needs running + startup probe.
import type {
  Container, ContainerState as ApiContainerState, ContainerStateTerminated, ContainerStatus as ApiContainerStatus,
} from 'kubernetes-types/core/v1.js';
import type { ContainerStatus } from '../runtime/index.js';
import { rfc3339 } from '../time.js';

export interface Waiting {
  readonly reason: string;
  readonly message?: string;
}

export interface ContainerContext {
  readonly runtimeType: string;
  /** Reason shown for containers with no attempt yet. */
  readonly defaultWaitingReason: 'ContainerCreating' | 'PodInitializing';
  /** Why the agent holds this container back, if it does. */
  readonly waiting?: Waiting;
  /** Startup probe passed (or none) for the running attempt. */
  readonly started: boolean;
  /** Readiness probe passing (or none) for the running attempt. */
  readonly ready: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function terminatedState(c: ContainerStatus, runtimeType: string): ContainerStateTerminated {
  const t: Mutable<ContainerStateTerminated> = {
    exitCode: c.exitCode ?? 0,
    reason: c.reason ?? ((c.exitCode ?? 0) === 0 ? 'Completed' : 'Error'),
    startedAt: c.startedAt ? rfc3339(c.startedAt) : undefined,
    finishedAt: c.finishedAt ? rfc3339(c.finishedAt) : undefined,
    containerID: `${runtimeType}://${c.id}`,
  };
  if (c.message) t.message = c.message;
  return t;
}

/** Attempts of one container, oldest first. */
export function apiContainerStatus(spec: Container, attempts: readonly ContainerStatus[], ctx: ContainerContext): ApiContainerStatus {
  const latest = attempts[attempts.length - 1];
  const previous = attempts[attempts.length - 2];
  const status: Mutable<ApiContainerStatus> = {
    name: spec.name,
    image: latest?.image ?? spec.image ?? '',
    imageID: latest?.imageRef ?? '',
    ready: false,
    restartCount: latest?.attempt ?? 0,
    started: false,
    state: { waiting: { reason: ctx.defaultWaitingReason } },
    lastState: {},
  };
  if (latest) status.containerID = `${ctx.runtimeType}://${latest.id}`;
  if (previous?.state === 'exited') status.lastState = { terminated: terminatedState(previous, ctx.runtimeType) };

  let state: ApiContainerState;
  if (!latest) state = { waiting: waitingOf(ctx.waiting ?? { reason: ctx.defaultWaitingReason }) };
  else if (latest.state === 'running') {
    state = { running: { startedAt: rfc3339(latest.startedAt ?? latest.createdAt) } };
    status.started = ctx.started;
    status.ready = ctx.started && ctx.ready;
  } else if (latest.state === 'exited' && ctx.waiting) {
    state = { waiting: waitingOf(ctx.waiting) };
    status.lastState = { terminated: terminatedState(latest, ctx.runtimeType) };
  } else if (latest.state === 'exited') {
    state = { terminated: terminatedState(latest, ctx.runtimeType) };
  } else {
    state = { waiting: waitingOf(ctx.waiting ?? { reason: 'ContainerCreating' }) };
  }
  status.state = state;
  const mounts = (spec.volumeMounts ?? []).map((m) => ({
    name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true } : {}),
    recursiveReadOnly: m.readOnly ? (m.recursiveReadOnly ?? 'Disabled') : 'Disabled',
  }));
  if (mounts.length) status.volumeMounts = mounts;
  return status;
}

function waitingOf(w: Waiting): { reason: string; message?: string } {
  return w.message ? { reason: w.reason, message: w.message } : { reason: w.reason };
}
