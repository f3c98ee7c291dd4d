// Starting one container (upstream kubelet startContainer): make sure the image is there per
// imagePullPolicy, create, start — with the events kubectl describe shows (Pulled / Pulling,
// Created, Started) on the container's fieldPath.
import type { Container, EnvVar } from 'kubernetes-types/core/v1.js';
import type { ContainerConfig, ImageStatus, Mount, SandboxStatus } from '../runtime/index.js';
import { backoffKey, type StartAction } from './plan.js';
import { containerResources, containerSecurity } from './pod-config.js';
import { fieldPathOf, type PodObject, type PodSyncContext } from './context.js';
import { pullWithSecrets } from './pull-secrets.js';

/** Default pull policy: Always for `:latest` or an untagged image, IfNotPresent otherwise. */
export function pullPolicy(c: Container): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  return !last.includes(':') || last.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

async function ensureImage(ctx: PodSyncContext, pod: PodObject, c: Container, fieldPath: string): Promise<ImageStatus> {
  const image = c.image ?? '';
  const policy = pullPolicy(c);
  const present = await ctx.runtime.imageStatus(image);
  if (present && policy !== 'Always') {
    ctx.events.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, fieldPath);
    return present;
  }
  if (policy === 'Never') {
    const msg = `Container image "${image}" is not present with pull policy of Never`;
    ctx.events.event(pod, 'Warning', 'ErrImageNeverPull', msg, fieldPath);
    throw Object.assign(new Error(msg), { reason: 'ErrImageNeverPull', eventText: 'ErrImageNeverPull' });
  }
  // Image pull backoff per (pod, image), as upstream's image manager: 10 s doubling to 5 min.
  const key = `${pod.metadata?.uid ?? ''}/image/${image}`;
  const waitMs = ctx.backoff.remainingSinceUpdate(key, ctx.clock.now());
  if (waitMs > 0) {
    const msg = `Back-off pulling image "${image}"`;
    ctx.events.event(pod, 'Normal', 'BackOff', msg, fieldPath);
    const prev = lastPullError.get(key);
    throw Object.assign(new Error(prev ? `${msg}: ${prev}` : msg), { reason: 'ImagePullBackOff', eventText: 'ImagePullBackOff', retryAfterMs: waitMs });
  }
  ctx.events.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, fieldPath);
  const started = ctx.clock.now();
  let pulled: ImageStatus;
  try {
    pulled = await pullWithSecrets(ctx, pod, image);
  } catch (e) {
    const err = e as Error & { reason?: string };
    ctx.events.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${err.message}`, fieldPath);
    const now = ctx.clock.now();
    ctx.backoff.next(key, now);
    const reason = err.reason ?? 'ErrImagePull';
    lastPullError.set(key, `${reason}: ${err.message}`);
    if (lastPullError.size > 4096) lastPullError.delete(lastPullError.keys().next().value as string);
    throw Object.assign(new Error(err.message), { reason, eventText: reason, retryAfterMs: ctx.backoff.remainingSinceUpdate(key, now) });
  }
  lastPullError.delete(key);
  const took = `${((ctx.clock.now() - started) / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
  ctx.events.event(pod, 'Normal', 'Pulled',
    `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${pulled.sizeBytes} bytes.`, fieldPath);
  return pulled;
}

/** The last pull error per backoff key: the waiting message during ImagePullBackOff repeats it (upstream prevPullErrMsg). */
const lastPullError = new Map<string, string>();

/** Literal values and the downward-API fields the agent knows; references to other objects are not resolved yet. */
function envOf(c: Container, pod: PodObject, sandbox: SandboxStatus, hostIP: string): Array<{ name: string; value: string }> {
  const fields: Record<string, string | undefined> = {
    'metadata.name': pod.metadata?.name, 'metadata.namespace': pod.metadata?.namespace, 'metadata.uid': pod.metadata?.uid,
    'spec.nodeName': pod.spec?.nodeName, 'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': sandbox.ips[0] ?? hostIP, 'status.hostIP': hostIP,
  };
  return (c.env ?? []).flatMap((e: EnvVar) => {
    if (e.value !== undefined) return [{ name: e.name, value: e.value }];
    const path = e.valueFrom?.fieldRef?.fieldPath;
    if (path && fields[path] !== undefined) return [{ name: e.name, value: fields[path]! }];
    return [];
  });
}

function mountsOf(c: Container, dirs: ReadonlyMap<string, string>): Mount[] {
  return (c.volumeMounts ?? []).flatMap((m) => {
    const dir = dirs.get(m.name);
    if (!dir) return [];
    return [{ containerPath: m.mountPath, hostPath: m.subPath ? `${dir}/${m.subPath}` : dir, readOnly: m.readOnly === true }];
  });
}

export async function startContainer(ctx: PodSyncContext, pod: PodObject, sandbox: SandboxStatus, action: StartAction,
  volumeDirs: ReadonlyMap<string, string>): Promise<void> {
  const c = action.container;
  const fieldPath = fieldPathOf(c.name, action.init);
  let id = action.existingId;
  if (!id) {
    const image = await ensureImage(ctx, pod, c, fieldPath);
    let config: ContainerConfig = {
      name: c.name, attempt: action.attempt, image: c.image ?? '', imageRef: image.ref,
      command: c.command ?? [], args: c.args ?? [], workingDir: c.workingDir,
      env: envOf(c, pod, sandbox, ctx.hostIPs[0] ?? ''), mounts: mountsOf(c, volumeDirs),
      tty: c.tty === true, stdin: c.stdin === true, stdinOnce: c.stdinOnce === true,
      labels: { 'io.kubernetes.container.name': c.name, 'io.kubernetes.pod.uid': pod.metadata?.uid ?? '' },
    };
    const securityContext = containerSecurity(pod, c), resources = containerResources(c);
    if (securityContext) config = { ...config, securityContext };
    if (resources) config = { ...config, resources };
    id = await ctx.runtime.createContainer(sandbox.id, config);
    ctx.events.event(pod, 'Normal', 'Created', `Created container: ${c.name}`, fieldPath);
  }
  await ctx.runtime.startContainer(id);
  ctx.events.event(pod, 'Normal', 'Started', `Started container ${c.name}`, fieldPath);
  if (action.afterExitAt !== undefined) ctx.backoff.next(backoffKey(pod.metadata?.uid ?? '', c.name), action.afterExitAt);
}
