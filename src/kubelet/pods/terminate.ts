// Stopping a pod for good (upstream kubelet killPod + the status manager's final write):
// stop its running containers (Killing events; the grace period is an upper bound the runtime
// honours), stop its sandboxes, tear its volumes down, write the terminal status, and — when
// the pod is being deleted — confirm the deletion with DELETE gracePeriodSeconds=0 and a uid
// precondition, so the object disappears only now and never takes a same-named successor.
import { isConflict, isNotFound, Pods } from '../../core/index.js';
import type { PodStatus } from 'kubernetes-types/core/v1.js';
import type { SandboxStatus } from '../runtime/index.js';
import { generatePodStatus } from '../status/generate.js';
import { rfc3339 } from '../time.js';
import { fieldPathOf, writeStatus, type PodObject, type PodSyncContext } from './context.js';
import type { KillRequest } from './kill.js';

const DEFAULT_GRACE_SECONDS = 30;

/**
 * Stops what runs; returns the pod as last written. `kill` (an eviction) overrides the grace
 * period and makes the final status Failed with its reason, message and conditions.
 */
export async function terminatePod(ctx: PodSyncContext, pod: PodObject, sandboxes: readonly SandboxStatus[], kill?: KillRequest): Promise<PodObject> {
  const uid = pod.metadata?.uid ?? '';
  const grace = kill?.gracePeriodSeconds ?? pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
  const initNames = new Set((pod.spec?.initContainers ?? []).map((c) => c.name));
  const running = (await ctx.runtime.listContainers({ podUid: uid })).filter((c) => c.state === 'running' || c.state === 'created');
  await Promise.all(running.map(async (c) => {
    if (c.state === 'running') ctx.events.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, fieldPathOf(c.name, initNames.has(c.name)));
    await ctx.runtime.stopContainer(c.id, grace);
  }));
  for (const s of sandboxes) await ctx.runtime.stopPodSandbox(s.id);
  await ctx.volumes?.tearDown(uid);
  ctx.backoff.forgetPod(uid);

  const after = await ctx.runtime.listPodSandboxes({ podUid: uid });
  let status: PodStatus = generatePodStatus({
    pod, runtimeType: ctx.runtime.type, sandbox: latest(after), containers: await ctx.runtime.listContainers({ podUid: uid }),
    hostIPs: ctx.hostIPs, probes: { started: () => false, ready: () => false }, waiting: new Map(), terminating: true,
    now: new Date(ctx.clock.now()),
  });
  if (kill) status = killedStatus(status, kill, rfc3339(ctx.clock.now()));
  let written = pod;
  try {
    written = await writeStatus(ctx, pod, status);
  } catch (e) {
    // Gone already (someone forced it): nothing left to confirm.
    if (isNotFound(e)) return pod;
    throw e;
  }
  if (pod.metadata?.deletionTimestamp) {
    try {
      await ctx.client.delete(Pods, { namespace: pod.metadata.namespace, name: pod.metadata.name! },
        { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (e) {
      // NotFound: already gone; Conflict: the name now belongs to a successor.
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }
  return written;
}

function killedStatus(status: PodStatus, kill: KillRequest, now: string): PodStatus {
  const added = new Set((kill.conditions ?? []).map((c) => c.type));
  const conditions = [
    ...(status.conditions ?? []).filter((c) => !added.has(c.type)),
    ...(kill.conditions ?? []).map((c) => ({ ...c, lastTransitionTime: c.lastTransitionTime ?? now })),
  ];
  return { ...status, phase: 'Failed', reason: kill.reason, message: kill.message, ...(conditions.length ? { conditions } : {}) };
}

/** Removes sandboxes (and their containers) of pods that are gone. */
export async function removeSandboxes(ctx: PodSyncContext, sandboxes: readonly SandboxStatus[]): Promise<void> {
  const uids = new Set<string>();
  for (const s of sandboxes) {
    for (const c of await ctx.runtime.listContainers({ sandboxId: s.id })) {
      if (c.state === 'running') await ctx.runtime.stopContainer(c.id, 0);
    }
    await ctx.runtime.removePodSandbox(s.id);
    uids.add(s.podUid);
  }
  for (const uid of uids) {
    await ctx.volumes?.tearDown(uid);
    ctx.backoff.forgetPod(uid);
  }
}

export function latest(sandboxes: readonly SandboxStatus[]): SandboxStatus | undefined {
  let best: SandboxStatus | undefined;
  for (const s of sandboxes) if (!best || s.attempt > best.attempt) best = s;
  return best;
}
