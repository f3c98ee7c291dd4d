// The scheduler's writes (upstream DefaultBinder, VolumeBinding PreBind, and the failure
// handler's status update):
// - bindPod: POST pods/<name>/binding; the API server sets spec.nodeName and PodScheduled=True.
// - applyVolumePlan: pre-bind static PVs (claimRef + bound-by-controller, E15 step 1) and set
//   volume.kubernetes.io/selected-node on claims to provision; both idempotent, so a repeat
//   decision for the same node writes nothing.
// - markUnschedulable: PodScheduled=False/Unschedulable with the message, written only when it
//   changed (lastTransitionTime kept while the status holds).
import type { PersistentVolume, PersistentVolumeClaim, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { PersistentVolumeClaims, PersistentVolumes, Pods, type KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import { SELECTED_NODE, type VolumePlan } from './volume-binding.js';

type PodObject = Pod & KubeObject;

export async function bindPod(client: ApiClient, pod: Pod, node: string): Promise<void> {
  const meta = pod.metadata!;
  await client.createSubresource(Pods, { namespace: meta.namespace, name: meta.name! }, 'binding', {
    apiVersion: 'v1', kind: 'Binding', metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid },
    target: { apiVersion: 'v1', kind: 'Node', name: node },
  });
}

export async function applyVolumePlan(client: ApiClient, plan: VolumePlan, node: string): Promise<boolean> {
  let wrote = false;
  for (const { pv, claim } of plan.staticBindings) {
    const ref = pv.spec?.claimRef;
    if (ref?.uid === claim.metadata?.uid && ref?.name === claim.metadata?.name) continue;
    const next: PersistentVolume & KubeObject = {
      ...pv,
      metadata: { ...pv.metadata, annotations: { ...(pv.metadata?.annotations ?? {}), 'pv.kubernetes.io/bound-by-controller': 'yes' } },
      spec: {
        ...pv.spec,
        claimRef: {
          kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata?.namespace, name: claim.metadata?.name,
          uid: claim.metadata?.uid, resourceVersion: claim.metadata?.resourceVersion,
        },
      },
    };
    await client.update(PersistentVolumes, next);
    wrote = true;
  }
  for (const claim of plan.provision) {
    if (claim.metadata?.annotations?.[SELECTED_NODE] === node) continue;
    await client.update(PersistentVolumeClaims, {
      ...claim, metadata: { ...claim.metadata, annotations: { ...(claim.metadata?.annotations ?? {}), [SELECTED_NODE]: node } },
    } as PersistentVolumeClaim & KubeObject);
    wrote = true;
  }
  return wrote;
}

export async function markUnschedulable(client: ApiClient, pod: PodObject, message: string, now: Date): Promise<void> {
  const conditions = pod.status?.conditions ?? [];
  const current = conditions.find((c) => c.type === 'PodScheduled');
  if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message) return;
  const since = current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: since };
  const next = [...conditions.filter((c) => c.type !== 'PodScheduled'), condition as unknown as PodCondition];
  await client.updateStatus<PodObject>(Pods, { ...pod, status: { ...pod.status, conditions: next } });
}
