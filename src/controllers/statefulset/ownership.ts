// Which pods a StatefulSet manages: adoption and release (semantics A4, A15, A16, A18;
// upstream PodControllerRefManager.ClaimPods with the isMemberOf filter).
//
// Contract: claimPods(set, selector, candidates) returns the pods the set manages after this
// call, given the pods it controls and the orphans of its namespace:
// - a pod controlled by another owner (uid) is ignored;
// - a pod it controls that no longer matches the selector or is not a member is released
//   (its controller ref removed), unless the set is being deleted;
// - an orphan that matches the selector and is a member is adopted (controller ref added),
//   unless the set or the pod is being deleted; before the first adoption a live read checks
//   that the set still exists with the same uid and is not being deleted;
// - adoption and release are merge patches carrying uid and resourceVersion as preconditions,
//   so a concurrent writer makes them fail (and the sync retry) instead of being overwritten.
import { isNotFound, keyOf, Pods, StatefulSets, type Selector } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import { isMemberOf, setRef, type PodObject, type SetObject } from './identity.js';
import { aggregate } from './pod-control.js';

const controllerOf = (pod: PodObject) => pod.metadata?.ownerReferences?.find((r) => r.controller);

/** Selector results per cached (immutable) pod object: every sync asks again for every pod. */
const matched = new WeakMap<PodObject, { selector: Selector; set: string; result: boolean }>();

export async function claimPods(client: ApiClient, set: SetObject, selector: Selector, candidates: readonly PodObject[]): Promise<PodObject[]> {
  const uid = set.metadata?.uid;
  const deleting = !!set.metadata?.deletionTimestamp;
  const claimed: PodObject[] = [];
  const errors: Error[] = [];
  let canAdopt: Promise<void> | undefined;
  const setName = set.metadata?.name ?? '';
  const matches = (pod: PodObject) => {
    const m = matched.get(pod);
    if (m && m.selector === selector && m.set === setName) return m.result;
    const result = selector.matches(pod.metadata?.labels) && isMemberOf(set, pod);
    matched.set(pod, { selector, set: setName, result });
    return result;
  };

  for (const pod of candidates) {
    const ref = controllerOf(pod);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches(pod)) { claimed.push(pod); continue; }
      if (deleting) continue;
      try {
        await patchOwners(client, pod, (pod.metadata?.ownerReferences ?? []).filter((r) => r.uid !== uid));
      } catch (e) {
        if (!isNotFound(e)) errors.push(e as Error);
      }
      continue;
    }
    if (deleting || !matches(pod) || pod.metadata?.deletionTimestamp) continue;
    try {
      await (canAdopt ??= recheck(client, set));
      claimed.push(await patchOwners(client, pod, [...(pod.metadata?.ownerReferences ?? []), setRef(set)]));
    } catch (e) {
      if (!isNotFound(e)) errors.push(e as Error);
    }
  }
  const err = aggregate(errors);
  if (err) throw err;
  return claimed;
}

/** RecheckDeletionTimestamp: adoption needs the set itself, fresh from the server. */
export async function recheck(client: ApiClient, set: SetObject): Promise<void> {
  const fresh = await client.get<SetObject>(StatefulSets, keyOf(set));
  const m = fresh.metadata ?? {};
  if (m.uid !== set.metadata?.uid) {
    throw new Error(`original StatefulSet ${set.metadata?.namespace}/${set.metadata?.name} is gone: got uid ${m.uid}, wanted ${set.metadata?.uid}`);
  }
  if (m.deletionTimestamp) throw new Error(`${set.metadata?.namespace}/${set.metadata?.name} has just been deleted at ${m.deletionTimestamp}`);
}

function patchOwners(client: ApiClient, pod: PodObject, refs: NonNullable<PodObject['metadata']>['ownerReferences']): Promise<PodObject> {
  return client.patch<PodObject>(Pods, keyOf(pod), 'merge', {
    metadata: { uid: pod.metadata?.uid, resourceVersion: pod.metadata?.resourceVersion, ownerReferences: refs?.length ? refs : null },
  });
}
