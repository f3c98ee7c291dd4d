// ControllerRevision bookkeeping through the API (semantics A17, D4-D8; upstream
// controller_history.go and getStatefulSetRevisions/truncateHistory).
//
// Contract:
// - list(set, selector): the set's revisions in its namespace, sorted: those it controls and
//   orphans its selector matches (orphans are adopted by adoptOrphans before a sync uses them).
// - revisions(set, sorted): the update revision is the newest revision if it equals the set's
//   template; an older equal one is renumbered to max+1 (rollback, D5); otherwise a new one is
//   created, probing collision counts while a different revision holds the name (D6).
//   The current revision is status.currentRevision if it still exists, else the update one (D7).
// - truncate: revisions not live (current, update, or a pod's controller-revision-hash) are
//   deleted oldest first until revisionHistoryLimit remain; a negative limit keeps all (D8).
import {
  ControllerRevisions, isAlreadyExists, isConflict, isNotFound, keyOf, type Selector,
} from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { Lister } from '../../controller-runtime/index.js';
import { podRevision, setRef, type PodObject, type SetObject } from './identity.js';
import { recheck } from './ownership.js';
import {
  dataJson, newRevision, nextRevision, sortRevisions, withCollisionCount, type RevisionObject,
} from './revision.js';

export interface Revisions {
  readonly current: RevisionObject;
  readonly update: RevisionObject;
  readonly collisionCount: number;
}

const controllerOf = (o: RevisionObject | PodObject) => o.metadata?.ownerReferences?.find((r) => r.controller);

export class History {
  constructor(private readonly client: ApiClient, private readonly lister: Lister<RevisionObject>) {}

  list(set: SetObject, selector: Selector): RevisionObject[] {
    const uid = set.metadata?.uid;
    const revs = this.lister.list({ namespace: set.metadata?.namespace ?? '', selector }).filter((r) => {
      const ref = controllerOf(r);
      return !ref || ref.uid === uid;
    });
    return sortRevisions([...revs]);
  }

  /**
   * A17: adopt orphans, after checking with a live read that the set is still this set and is
   * not being deleted: an orphaning delete clears the revisions' owners, and a set that took
   * them back meanwhile would leave them owned by an object about to vanish.
   */
  async adoptOrphans(set: SetObject, revs: RevisionObject[]): Promise<void> {
    if (set.metadata?.deletionTimestamp || !revs.some((r) => !controllerOf(r))) return;
    await recheck(this.client, set);
    for (const [i, r] of revs.entries()) {
      if (controllerOf(r)) continue;
      try {
        revs[i] = await this.client.patch<RevisionObject>(ControllerRevisions, keyOf(r), 'merge', {
          metadata: {
            uid: r.metadata?.uid, resourceVersion: r.metadata?.resourceVersion,
            ownerReferences: [...(r.metadata?.ownerReferences ?? []), setRef(set)],
          },
        });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  async revisions(set: SetObject, sorted: readonly RevisionObject[]): Promise<Revisions> {
    let collisionCount = set.status?.collisionCount ?? 0;
    const { rev: wanted, json } = newRevision(set, nextRevision(sorted), collisionCount);
    const equal = sorted.filter((r) => dataJson(r) === json);
    let update: RevisionObject;
    if (equal.length && sorted[sorted.length - 1] === equal[equal.length - 1]) {
      update = sorted[sorted.length - 1];
    } else if (equal.length) {
      update = await this.renumber(equal[equal.length - 1], wanted.revision);
    } else {
      ({ update, collisionCount } = await this.create(set, wanted, json, collisionCount));
    }
    const current = sorted.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  async truncate(set: SetObject, pods: readonly PodObject[], sorted: readonly RevisionObject[],
    live: readonly (RevisionObject | undefined)[]): Promise<void> {
    const keep = new Set<string>(live.map((r) => r?.metadata?.name ?? ''));
    for (const p of pods) keep.add(podRevision(p));
    const old = sorted.filter((r) => !keep.has(r.metadata?.name ?? ''));
    const limit = set.spec?.revisionHistoryLimit ?? 10;
    if (limit < 0 || old.length <= limit) return;
    for (const r of old.slice(0, old.length - limit)) {
      try {
        await this.client.delete(ControllerRevisions, keyOf(r), { preconditions: { uid: r.metadata?.uid } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  private async renumber(rev: RevisionObject, revision: number): Promise<RevisionObject> {
    let cur = rev;
    for (let attempt = 0; ; attempt++) {
      if (cur.revision === revision) return cur;
      try {
        return await this.client.update<RevisionObject>(ControllerRevisions, { ...cur, revision });
      } catch (e) {
        if (!isConflict(e) || attempt >= 4) throw e;
        cur = await this.client.get<RevisionObject>(ControllerRevisions, keyOf(rev));
      }
    }
  }

  private async create(set: SetObject, wanted: RevisionObject, json: string, collisionCount: number):
    Promise<{ update: RevisionObject; collisionCount: number }> {
    const setName = set.metadata?.name ?? '';
    for (;;) {
      const rev = withCollisionCount(wanted, json, setName, collisionCount);
      try {
        return { update: await this.client.create(ControllerRevisions, rev), collisionCount };
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
      const exists = await this.client.get<RevisionObject>(ControllerRevisions, keyOf(rev));
      // Ours and equal: an earlier sync created it and the cache has not shown it yet.
      if (controllerOf(exists)?.uid === set.metadata?.uid && dataJson(exists) === json) return { update: exists, collisionCount };
      collisionCount++;
    }
  }
}
