// Image pulls with the pod's registry credentials (upstream kubelet getPullSecretsForPod +
// kuberuntime pullImage): the pod's imagePullSecrets are read from the API; a missing one is
// skipped with a FailedToRetrieveImagePullSecret event (the pull may still work). Their
// dockerconfigjson/dockercfg content becomes a keyring (src/images); every credential the
// keyring matches for the image's repository is tried in turn, and without any the pull is
// anonymous. Upstream's ServiceAccount admission copies the account's imagePullSecrets into pods
// that name none; Berth's API server does not (yet), so the agent reads them from the account
// in that case, which gives the same credentials.
import type { LocalObjectReference, Secret, ServiceAccount } from 'kubernetes-types/core/v1.js';
import { Secrets, ServiceAccounts, isNotFound, type KubeObject } from '../../core/index.js';
import { keyringFromPullSecrets, parseReference } from '../../images/index.js';
import type { ImageStatus, RegistryAuth } from '../runtime/index.js';
import type { PodObject, PodSyncContext } from './context.js';

async function secretRefs(ctx: PodSyncContext, pod: PodObject): Promise<LocalObjectReference[]> {
  const own = pod.spec?.imagePullSecrets ?? [];
  if (own.length) return own;
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = pod.spec?.serviceAccountName || 'default';
  try {
    return (await ctx.client.get<ServiceAccount & KubeObject>(ServiceAccounts, { namespace, name })).imagePullSecrets ?? [];
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
}

/** The pod's pull secrets that exist; the names that could not be read are reported in one event. */
export async function pullSecretsFor(ctx: PodSyncContext, pod: PodObject): Promise<Secret[]> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const found: Secret[] = [];
  const failed: string[] = [];
  for (const ref of await secretRefs(ctx, pod)) {
    // API validation lets empty names through (kubernetes#99454): ignored without a warning.
    if (!ref.name) continue;
    try {
      found.push(await ctx.client.get<Secret & KubeObject>(Secrets, { namespace, name: ref.name }));
    } catch (e) {
      ctx.logger.info('node agent: unable to retrieve pull secret, the image pull may not succeed', { pod: `${namespace}/${pod.metadata?.name}`, secret: ref.name, error: (e as Error).message });
      failed.push(ref.name);
    }
  }
  if (failed.length) {
    ctx.events.event(pod, 'Warning', 'FailedToRetrieveImagePullSecret',
      `Unable to retrieve some image pull secrets (${failed.join(', ')}); attempting to pull the image may not succeed.`);
  }
  return found;
}

/** Pulls `image` with each credential the pod's secrets hold for it, first success wins; errors are aggregated as upstream. */
export async function pullWithSecrets(ctx: PodSyncContext, pod: PodObject, image: string): Promise<ImageStatus> {
  const secrets = await pullSecretsFor(ctx, pod);
  let creds: RegistryAuth[] = [];
  if (secrets.length) {
    let repo: string | undefined;
    try { repo = parseReference(image).name; } catch { /* an invalid name fails in the pull itself, with its reason */ }
    if (repo) creds = keyringFromPullSecrets(secrets).lookup(repo);
  }
  if (!creds.length) return ctx.runtime.pullImage(image, ctx.signal);
  const errors: Error[] = [];
  for (const auth of creds) {
    try {
      return await ctx.runtime.pullImage(image, ctx.signal, auth);
    } catch (e) {
      errors.push(e as Error);
    }
  }
  if (errors.length === 1) throw errors[0];
  // utilerrors.NewAggregate's text; the first error's reason (ErrImagePull) stays the waiting reason.
  throw Object.assign(new Error(`[${errors.map((e) => e.message).join(', ')}]`), { reason: (errors[0] as Error & { reason?: string }).reason });
}
