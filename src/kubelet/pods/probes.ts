// Startup, readiness and liveness as the pod sync sees them. Probes are the kubelet's (not the
// runtime's), so they live on the agent's side:
// - A runtime with execSync (linux/) runs real ones: the prober (../probes) gives started/ready
//   and names the containers whose liveness or startup probe failed; stopUnhealthy stops those
//   (Killing event, the probe's or the pod's grace period) and the restart rules in plan.ts
//   start them again per restartPolicy.
// - A runtime that runs no processes (sim/) gets simulated ones, deterministic so the sim
//   tests and benches keep their timing: every probe passes at the first moment upstream could
//   run it: a container with a startupProbe counts as started initialDelaySeconds after it
//   started, one with a readinessProbe turns ready initialDelaySeconds after it started (after
//   startup). Without probes a running container is started and ready at once. Liveness is
//   not checked.
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus } from '../runtime/index.js';
import type { ProbeView } from '../status/generate.js';
import { fieldPathOf, type PodObject, type PodSyncContext } from './context.js';

const DEFAULT_GRACE_SECONDS = 30;

const delayMs = (p: Probe | undefined) => (p ? Math.max(0, p.initialDelaySeconds ?? 0) * 1000 : 0);

export interface ProbeState extends ProbeView {
  /** ms until some probe result changes, if one will. */
  readonly nextChangeMs?: number;
}

export function probeState(pod: Pod, containers: readonly ContainerStatus[], now: number): ProbeState {
  const specs = new Map<string, Container>();
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) specs.set(c.name, c);
  const latest = new Map<string, ContainerStatus>();
  for (const c of containers) if ((latest.get(c.name)?.attempt ?? -1) < c.attempt) latest.set(c.name, c);
  let next: number | undefined;
  const at = (name: string, extra: (c: Container) => number) => {
    const c = latest.get(name), spec = specs.get(name);
    if (!c || c.state !== 'running' || !spec) return false;
    const due = (c.startedAt ?? c.createdAt).getTime() + extra(spec);
    if (due <= now) return true;
    next = Math.min(next ?? Infinity, due - now);
    return false;
  };
  const started = (name: string) => at(name, (s) => delayMs(s.startupProbe));
  const ready = (name: string) => at(name, (s) => delayMs(s.startupProbe) + delayMs(s.readinessProbe));
  // Evaluate everything once so nextChangeMs is known up front.
  for (const name of specs.keys()) { started(name); ready(name); }
  return { started, ready, nextChangeMs: next };
}

/** The probe view of a pod sync: the prober's when there is one, else the simulated one. */
export function podProbes(ctx: PodSyncContext, pod: Pod, containers: readonly ContainerStatus[], now: number): ProbeState {
  return ctx.probes ? ctx.probes.view(pod, containers) : probeState(pod, containers, now);
}

/**
 * Stops the running containers whose liveness or startup probe failed (upstream
 * computePodActions + killContainer); returns whether it stopped any. The grace period is the
 * probe's terminationGracePeriodSeconds, else the pod's.
 */
export async function stopUnhealthy(ctx: PodSyncContext, pod: PodObject, containers: readonly ContainerStatus[]): Promise<boolean> {
  const unhealthy = ctx.probes?.unhealthy(pod, containers) ?? [];
  const restart = (pod.spec?.restartPolicy ?? 'Always') !== 'Never';
  await Promise.all(unhealthy.map(async (u) => {
    const probe = u.probe === 'liveness' ? u.spec.livenessProbe : u.spec.startupProbe;
    const grace = probe?.terminationGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    const message = `Container ${u.spec.name} failed ${u.probe} probe${restart || u.init ? ', will be restarted' : ''}`;
    ctx.events.event(pod, 'Normal', 'Killing', message, fieldPathOf(u.spec.name, u.init));
    await ctx.runtime.stopContainer(u.status.id, grace);
  }));
  return unhealthy.length > 0;
}
