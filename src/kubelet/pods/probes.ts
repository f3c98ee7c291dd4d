// Startup and readiness as the agent sees them. Probes are the kubelet's (not the runtime's),
// so they live here; today every probe passes, at the first moment upstream could run it:
// a container with a startupProbe counts as started initialDelaySeconds after it started, one
// with a readinessProbe turns ready initialDelaySeconds after it started (after startup).
// Without probes a running container is started and ready at once. Liveness is not checked.
// A runtime that can exec or reach pod IPs (linux/) can replace this with real probing behind
// the same ProbeView (status/generate.ts).
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus } from '../runtime/index.js';
import type { ProbeView } from '../status/generate.js';

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
