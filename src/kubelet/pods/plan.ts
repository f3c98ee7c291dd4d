// What to start next in a pod's sandbox (upstream kubelet computePodActions), written once
// for every runtime. Pure apart from reading the backoff table.
//
// Rules:
// - Init containers run one at a time, in order; each must exit 0 before the next starts. A
//   failed one is restarted (with backoff) unless restartPolicy is Never, which fails the pod.
// - A sidecar (init container with restartPolicy Always) must have started before the next
//   init container runs, and is restarted whenever it exits, for the life of the pod.
// - Once every init container is done, all regular containers start together. Exited ones
//   restart under Always, and under OnFailure when their exit code was not 0.
// - Restarts wait out the crash-loop backoff; a container held back is reported as waiting
//   with reason CrashLoopBackOff and upstream's message.
// - Once regular containers have run, init containers are never run again.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus } from '../runtime/index.js';
import type { Waiting } from '../status/container-status.js';
import type { ProbeView } from '../status/generate.js';
import { goDuration, type Backoff } from './backoff.js';

export interface StartAction {
  readonly container: Container;
  readonly init: boolean;
  readonly attempt: number;
  /** A created container that was never started (start it rather than create another). */
  readonly existingId?: string;
  /** The exit this restart follows (for the backoff table). */
  readonly afterExitAt?: number;
}

export interface PodPlan {
  readonly start: StartAction[];
  readonly waiting: Map<string, Waiting>;
  /** Containers held back by backoff in this sync (each gets a BackOff event). */
  readonly backingOff: Array<{ name: string; init: boolean }>;
  readonly requeueAfterMs?: number;
}

export const backoffKey = (podUid: string, container: string) => `${podUid}/${container}`;

export function planPod(pod: Pod, containers: readonly ContainerStatus[], probes: ProbeView, backoff: Backoff, now: number): PodPlan {
  const spec = pod.spec ?? { containers: [] };
  const meta = pod.metadata ?? {};
  const policy = spec.restartPolicy ?? 'Always';
  const latest = new Map<string, ContainerStatus>();
  for (const c of containers) if ((latest.get(c.name)?.attempt ?? -1) < c.attempt) latest.set(c.name, c);

  const plan: PodPlan & { requeueAfterMs?: number } = { start: [], waiting: new Map(), backingOff: [] };
  const restartOrWait = (c: Container, init: boolean, exited: ContainerStatus) => {
    const key = backoffKey(meta.uid ?? '', c.name);
    const exitedAt = (exited.finishedAt ?? exited.createdAt).getTime();
    const wait = backoff.remaining(key, exitedAt, now);
    if (wait > 0) {
      plan.waiting.set(c.name, {
        reason: 'CrashLoopBackOff',
        message: `back-off ${goDuration(backoff.delayMs(key))} restarting failed container=${c.name} pod=${meta.name}_${meta.namespace}(${meta.uid})`,
      });
      plan.backingOff.push({ name: c.name, init });
      plan.requeueAfterMs = Math.min(plan.requeueAfterMs ?? Infinity, wait);
    } else {
      plan.start.push({ container: c, init, attempt: exited.attempt + 1, afterExitAt: exitedAt });
    }
  };
  const startFresh = (c: Container, init: boolean, l: ContainerStatus | undefined) => {
    plan.start.push(l?.state === 'created' ? { container: c, init, attempt: l.attempt, existingId: l.id } : { container: c, init, attempt: 0 });
  };

  const regularRan = spec.containers.some((c) => latest.has(c.name));
  let initDone = true;
  for (const c of spec.initContainers ?? []) {
    const l = latest.get(c.name);
    if (c.restartPolicy === 'Always') {
      if (!l || l.state === 'created') { startFresh(c, true, l); initDone = false; break; }
      if (l.state === 'exited') {
        restartOrWait(c, true, l);
        if (regularRan) continue;
        initDone = false;
        break;
      }
      if (!regularRan && !probes.started(c.name)) { initDone = false; break; }
      continue;
    }
    if (regularRan) continue;
    if (!l || l.state === 'created') { startFresh(c, true, l); initDone = false; break; }
    if (l.state !== 'exited') { initDone = false; break; }
    if ((l.exitCode ?? 0) === 0) continue;
    if (policy !== 'Never') restartOrWait(c, true, l);
    initDone = false;
    break;
  }
  if (!initDone) return plan;

  for (const c of spec.containers) {
    const l = latest.get(c.name);
    if (!l || l.state === 'created') startFresh(c, false, l);
    else if (l.state === 'exited') {
      const restart = policy === 'Always' || (policy === 'OnFailure' && (l.exitCode ?? 0) !== 0);
      if (restart) restartOrWait(c, false, l);
    }
  }
  return plan;
}
