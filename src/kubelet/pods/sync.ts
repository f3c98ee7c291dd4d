// One pod, level-triggered (upstream kubelet SyncPod / SyncTerminatingPod): given the pod as
// the API has it (or nothing, when it is gone), make the runtime match and report back.
//
// - Gone from the API: every sandbox of that namespace/name is removed.
// - Sandboxes of an older pod with the same name (a StatefulSet successor) are removed.
// - Being deleted: terminatePod (stop, final status, confirm the deletion).
// - Asked to be killed (an eviction, pods/kill.ts): terminatePod with the request's grace period
//   and final status (Failed, its reason and message).
// - Terminal phase: its sandbox is stopped; nothing restarts.
// - Otherwise: the first sync reports the pod accepted (Pending, ContainerCreating, startTime,
//   hostIP) before any runtime work; then the sandbox (podIP) is ensured, planPod's containers
//   are started (after stopping those whose liveness or startup probe failed), the prober is
//   told what runs, and the status is regenerated and written when it changed. A pod that has
//   just become terminal gets its sandbox stopped.
// Returns when to look again (backoff expiry, a probe delay), if anything is pending.
import type { Request, Result } from '../../controller-runtime/index.js';
import type { SandboxConfig, SandboxStatus } from '../runtime/index.js';
import { generatePodStatus } from '../status/generate.js';
import { fieldPathOf, writeStatus, type PodObject, type PodSyncContext } from './context.js';
import { planPod } from './plan.js';
import { podDns } from './pod-config.js';
import { podProbes, stopUnhealthy } from './probes.js';
import { startContainer } from './start-container.js';
import { latest, removeSandboxes, terminatePod } from './terminate.js';

const TERMINAL = new Set(['Succeeded', 'Failed']);

function sandboxConfig(ctx: PodSyncContext, pod: PodObject, attempt: number): SandboxConfig {
  const meta = pod.metadata ?? {};
  const spec = pod.spec;
  const dns = podDns(pod, ctx.dns);
  return {
    ...(spec?.subdomain ? { subdomain: spec.subdomain } : {}),
    clusterDomain: ctx.dns.clusterDomain,
    ...(dns ? { dns } : {}),
    ...(spec?.hostAliases?.length ? { hostAliases: spec.hostAliases.map((a) => ({ ip: a.ip ?? '', hostnames: a.hostnames ?? [] })) } : {}),
    ...(spec?.shareProcessNamespace ? { shareProcessNamespace: true } : {}),
    podUid: meta.uid ?? '', podName: meta.name ?? '', podNamespace: meta.namespace ?? '', attempt,
    hostname: pod.spec?.hostname || meta.name || '', hostNetwork: pod.spec?.hostNetwork === true,
    labels: { ...(meta.labels ?? {}), 'io.kubernetes.pod.name': meta.name ?? '', 'io.kubernetes.pod.namespace': meta.namespace ?? '', 'io.kubernetes.pod.uid': meta.uid ?? '' },
    annotations: { ...(meta.annotations ?? {}) },
  };
}

export async function syncPod(ctx: PodSyncContext, req: Request, pod: PodObject | undefined): Promise<Result> {
  const named = await ctx.runtime.listPodSandboxes({ podNamespace: req.namespace, podName: req.name });
  const uid = pod?.metadata?.uid;
  // Probe workers of a pod that is gone or was replaced under its name stop with it.
  ctx.probes?.retain(req.namespace, req.name, uid);
  ctx.kills?.retain(req.namespace, req.name, uid);
  const stale = named.filter((s) => s.podUid !== uid);
  if (stale.length) await removeSandboxes(ctx, stale);
  if (!pod || !uid) return {};
  const sandboxes = named.filter((s) => s.podUid === uid);

  if (pod.metadata?.deletionTimestamp) {
    // Not probed while terminating: not ready, and no liveness restarts (terminatePod reports so).
    ctx.probes?.removePod(uid);
    await terminatePod(ctx, pod, sandboxes);
    return {};
  }
  const kill = ctx.kills?.get(uid);
  if (kill && !TERMINAL.has(pod.status?.phase ?? '')) {
    // Evicted: stopped with the request's grace period, and the status it names (upstream
    // killPodFunc). Once written, syncs against an older copy of the pod wait for the informer.
    if (!kill.terminated) {
      ctx.probes?.removePod(uid);
      await terminatePod(ctx, pod, sandboxes, kill.request);
      ctx.kills!.terminated(uid);
    }
    return {};
  }
  if (TERMINAL.has(pod.status?.phase ?? '')) {
    ctx.kills?.forget(uid);
    ctx.probes?.removePod(uid);
    const live = await ctx.runtime.listContainers({ podUid: uid });
    if (live.some((c) => c.state === 'running') || sandboxes.some((s) => s.state === 'ready')) await terminatePod(ctx, pod, sandboxes);
    return {};
  }
  return runPod(ctx, pod, sandboxes);
}

async function runPod(ctx: PodSyncContext, pod: PodObject, sandboxes: SandboxStatus[]): Promise<Result> {
  const uid = pod.metadata!.uid!;
  const now = () => ctx.clock.now();
  const status = (sandbox: SandboxStatus | undefined, containers: Awaited<ReturnType<typeof ctx.runtime.listContainers>>,
    waiting = new Map(), probes = podProbes(ctx, pod, containers, now())) => generatePodStatus({
    pod, runtimeType: ctx.runtime.type, sandbox, containers, hostIPs: ctx.hostIPs, probes, waiting, terminating: false,
    now: new Date(now()),
  });

  let sandbox = latest(sandboxes);
  if (!pod.status?.startTime) {
    // Accepted: say so before any work, as the kubelet's first status write does.
    pod = await writeStatus(ctx, pod, status(sandbox, await ctx.runtime.listContainers({ podUid: uid })));
  }
  let volumeDirs: ReadonlyMap<string, string> = new Map();
  try {
    if (ctx.volumes) volumeDirs = await ctx.volumes.setUp(pod, ctx.signal);
  } catch (e) {
    // The pod stays ContainerCreating; the sync is retried with backoff (upstream FailedMount).
    const err = e as Error & { reason?: string };
    ctx.events.event(pod, 'Warning', err.reason ?? 'FailedMount', err.message);
    throw e;
  }
  if (!sandbox || sandbox.state !== 'ready') {
    // A sandbox that died takes its containers with it; the next attempt starts them again.
    if (sandbox) for (const s of sandboxes) await ctx.runtime.stopPodSandbox(s.id);
    let id: string;
    try {
      id = await ctx.runtime.runPodSandbox(sandboxConfig(ctx, pod, sandbox ? sandbox.attempt + 1 : 0), ctx.signal);
    } catch (e) {
      ctx.events.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(e as Error).message}`);
      throw e;
    }
    sandbox = (await ctx.runtime.listPodSandboxes({ podUid: uid })).find((s) => s.id === id);
    if (!sandbox) throw new Error(`runtime lost sandbox ${id} of pod ${pod.metadata?.namespace}/${pod.metadata?.name}`);
  }

  let containers = await ctx.runtime.listContainers({ podUid: uid });
  // Failed liveness/startup probes: stop those containers; the plan then restarts them.
  if (await stopUnhealthy(ctx, pod, containers)) containers = await ctx.runtime.listContainers({ podUid: uid });
  const plan = planPod(pod, containers, podProbes(ctx, pod, containers, now()), ctx.backoff, now());
  const waiting = new Map(plan.waiting);
  let retryMs: number | undefined;
  for (const action of plan.start) {
    try {
      await startContainer(ctx, pod, sandbox, action, volumeDirs);
    } catch (e) {
      const err = e as Error & { reason?: string; eventText?: string; retryAfterMs?: number };
      const reason = err.reason ?? 'CreateContainerError';
      waiting.set(action.container.name, { reason, message: err.message });
      // Image errors name their reason in the event (`Error: ErrImagePull`), as upstream's startContainer.
      ctx.events.event(pod, 'Warning', 'Failed', `Error: ${err.eventText ?? err.message}`, fieldPathOf(action.container.name, action.init));
      retryMs = err.retryAfterMs || ctx.backoff.delayMs(`${uid}/${action.container.name}`);
      // Init containers run one at a time: nothing after a failed one may start.
      if (action.init) break;
    }
  }
  for (const b of plan.backingOff) {
    ctx.events.event(pod, 'Warning', 'BackOff',
      `Back-off restarting failed container ${b.name} in pod ${pod.metadata?.name}_${pod.metadata?.namespace}(${uid})`, fieldPathOf(b.name, b.init));
  }
  if (plan.start.length) containers = await ctx.runtime.listContainers({ podUid: uid });
  ctx.probes?.update(pod, containers, pod.spec?.hostNetwork ? ctx.hostIPs[0] : sandbox.ips[0]);
  const probes = podProbes(ctx, pod, containers, now());
  let next = status(sandbox, containers, waiting, probes);
  if (TERMINAL.has(next.phase ?? '')) {
    // Done for good: nothing of it may keep running (sidecars), and its network goes.
    for (const c of containers) if (c.state === 'running') await ctx.runtime.stopContainer(c.id, pod.spec?.terminationGracePeriodSeconds ?? 30);
    await ctx.runtime.stopPodSandbox(sandbox.id);
    ctx.backoff.forgetPod(uid);
    ctx.probes?.removePod(uid);
    const after = await ctx.runtime.listPodSandboxes({ podUid: uid });
    next = status(latest(after), await ctx.runtime.listContainers({ podUid: uid }), waiting, probes);
  }
  await writeStatus(ctx, pod, next);
  // Container exits come back as runtime events (or the agent's relist), not as timers here.
  const waits = [plan.requeueAfterMs, probes.nextChangeMs, retryMs].filter((v): v is number => v !== undefined);
  return waits.length ? { requeueAfterMs: Math.max(1, Math.min(...waits)) } : {};
}
