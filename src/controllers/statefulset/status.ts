// StatefulSet status: counting pods, completing a rolling update, and writing it (D18-D22).
//
// Contract:
// - countReplicas: replicas = created pods (terminating and failed ones too); ready =
//   Running&Ready; available = ready and available; current/updated = created, not
//   terminating pods labelled with the current/update revision.
// - completeRollingUpdate: RollingUpdate with every desired replica updated, ready and no extra
//   pods makes the update revision current (D20). OnDelete never does (D16).
// - needsWrite: only when observedGeneration grew or a count or revision differs (D21).
// - writeStatus: PUT to /status on the given object, re-reading the live object on conflicts.
//   Zero counts are left out as Go's omitempty does; replicas, availableReplicas and
//   collisionCount are always written.
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import { isConflict, keyOf, StatefulSets } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import { podRevision, replicaCount, type PodObject, type SetObject } from './identity.js';
import { isAvailable, isCreated, isRunningAndReady, isTerminating } from './pod-state.js';

export interface Counts {
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
}

export function countReplicas(pods: Iterable<PodObject | undefined>, minReadySeconds: number, now: number,
  currentRevision: string, updateRevision: string): Counts {
  const c: Counts = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const pod of pods) {
    if (!pod) continue;
    const created = isCreated(pod);
    if (created) c.replicas++;
    if (isRunningAndReady(pod)) {
      c.readyReplicas++;
      if (isAvailable(pod, minReadySeconds, now)) c.availableReplicas++;
    }
    if (created && !isTerminating(pod)) {
      const rev = podRevision(pod);
      if (rev === currentRevision) c.currentReplicas++;
      if (rev === updateRevision) c.updatedReplicas++;
    }
  }
  return c;
}

export function completeRollingUpdate(set: SetObject, status: StatefulSetStatus): void {
  const want = replicaCount(set);
  if (set.spec?.updateStrategy?.type === 'RollingUpdate' && status.updatedReplicas === want
    && status.readyReplicas === want && status.replicas === want) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

export function needsWrite(set: SetObject, status: StatefulSetStatus): boolean {
  const cur = set.status ?? { replicas: 0 };
  return (status.observedGeneration ?? 0) > (cur.observedGeneration ?? 0)
    || status.replicas !== (cur.replicas ?? 0)
    || (status.currentReplicas ?? 0) !== (cur.currentReplicas ?? 0)
    || (status.readyReplicas ?? 0) !== (cur.readyReplicas ?? 0)
    || (status.updatedReplicas ?? 0) !== (cur.updatedReplicas ?? 0)
    || (status.currentRevision ?? '') !== (cur.currentRevision ?? '')
    || (status.availableReplicas ?? 0) !== (cur.availableReplicas ?? 0)
    || (status.updateRevision ?? '') !== (cur.updateRevision ?? '');
}

/** The status as the API stores it from Go: empty optional fields omitted. */
export function serialisable(status: StatefulSetStatus): StatefulSetStatus {
  const out: StatefulSetStatus = { replicas: status.replicas };
  if (status.observedGeneration) out.observedGeneration = status.observedGeneration;
  if (status.readyReplicas) out.readyReplicas = status.readyReplicas;
  if (status.currentReplicas) out.currentReplicas = status.currentReplicas;
  if (status.updatedReplicas) out.updatedReplicas = status.updatedReplicas;
  if (status.currentRevision) out.currentRevision = status.currentRevision;
  if (status.updateRevision) out.updateRevision = status.updateRevision;
  out.collisionCount = status.collisionCount ?? 0;
  out.availableReplicas = status.availableReplicas ?? 0;
  return out;
}

/** Writes status; returns the stored object. */
export async function writeStatus(client: ApiClient, set: SetObject, status: StatefulSetStatus): Promise<SetObject> {
  let target = set;
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.updateStatus<SetObject>(StatefulSets, { ...target, status: serialisable(status) });
    } catch (e) {
      if (!isConflict(e) || attempt >= 9) throw e;
      target = await client.get<SetObject>(StatefulSets, keyOf(set));
      // A different set of the same name: nothing of ours to write.
      if (target.metadata?.uid !== set.metadata?.uid) return target;
    }
  }
}
