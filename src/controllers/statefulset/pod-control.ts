// The controller's writes to pods and claims, with upstream's events (StatefulPodControl).
//
// Contract:
// - createPod: the pod's claims first (B6; an existing claim is used as it is, B7; a claim
//   being deleted fails the pod with "pvc <name> is being deleted", B8), then the pod, then
//   the claims' retention refs (B14). Events: SuccessfulCreate "create Claim <c> Pod <p> in
//   StatefulSet <s> success" per new claim and "create Pod <p> in StatefulSet <s> successful";
//   failures give FailedCreate "... failed error: <error>". AlreadyExists on the pod records
//   nothing and fails the sync (A16).
// - updatePod: restores identity labels and claim volumes (A12, B5b) and retention refs, with
//   SuccessfulUpdate/FailedUpdate; deletePod: default grace, SuccessfulDelete/FailedDelete.
// - Reads go to the informer caches, corrected by this controller's own recent writes.
// - Errors are thrown; the caller decides whether the sync stops.
import {
  isAlreadyExists, isConflict, isNotFound, keyOf, keyString, PersistentVolumeClaims, Pods, type KubeObject,
} from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { Lister } from '../../controller-runtime/index.js';
import type { EventRecorder } from './events.js';
import type { Expectations } from './expectations.js';
import {
  claimFor, claimName, claimNames, identityMatches, ordinalOf, setRef, storageMatches, updateIdentity, updateStorage,
  type ClaimObject, type PodObject, type SetObject,
} from './identity.js';
import { claimIsStale, claimOwnerRefs, hasUnexpectedController, isClaimOwnerUpToDate, wantedOwners } from './retention.js';

/** utilerrors.NewAggregate's message: one error as is, several as "[a, b]". */
export function aggregate(errors: readonly Error[]): Error | undefined {
  if (!errors.length) return undefined;
  if (errors.length === 1) return errors[0];
  return new Error(`[${errors.map((e) => e.message).join(', ')}]`);
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class PodControl {
  constructor(
    private readonly client: ApiClient,
    private readonly claims: Lister<ClaimObject>,
    private readonly podExp: Expectations<PodObject>,
    private readonly claimExp: Expectations<ClaimObject>,
    private readonly recorder: EventRecorder,
  ) {}

  getClaim(namespace: string | undefined, name: string): ClaimObject | undefined {
    return this.claimByKey(keyString({ namespace, name }));
  }

  /** A claim by `namespace/name`: the cache's, or one this controller just created. */
  readonly claimByKey = (key: string): ClaimObject | undefined => this.claims.get(key) ?? this.claimExp.createdObject(key);

  async createPod(set: SetObject, pod: PodObject): Promise<PodObject> {
    try {
      await this.createClaims(set, pod);
    } catch (e) {
      this.podEvent('create', set, pod, e);
      throw e;
    }
    let created: PodObject;
    try {
      created = await this.client.create(Pods, pod);
    } catch (e) {
      if (!isAlreadyExists(e)) this.podEvent('create', set, pod, e);
      throw e;
    }
    this.podExp.recordCreated(created);
    try {
      await this.updateClaimsForRetention(set, created);
    } catch (e) {
      this.podEvent('update', set, created, e);
      throw e;
    }
    this.podEvent('create', set, created);
    return created;
  }

  /** B9: a Pending pod gets its missing claims back (and their retention refs). */
  async createMissingClaims(set: SetObject, pod: PodObject): Promise<void> {
    await this.createClaims(set, pod);
    try {
      await this.updateClaimsForRetention(set, pod);
    } catch (e) {
      this.podEvent('update', set, pod, e);
      throw e;
    }
  }

  async updatePod(set: SetObject, cached: PodObject): Promise<void> {
    let pod = structuredClone(cached);
    let wrote = false;
    try {
      for (let attempt = 0; ; attempt++) {
        let dirty = false;
        if (!identityMatches(set, pod)) { updateIdentity(set, pod); dirty = true; }
        if (!storageMatches(set, pod)) {
          updateStorage(set, pod);
          dirty = true;
          await this.createClaims(set, pod);
        }
        if (!this.claimsMatchRetention(set, pod)) { await this.updateClaimsForRetention(set, pod); wrote = true; }
        // A pod whose only fault was its claims' refs needs no write of its own.
        if (!dirty) break;
        wrote = true;
        try {
          await this.client.update(Pods, pod);
          break;
        } catch (e) {
          if (!isConflict(e) || attempt >= 4) throw e;
          pod = await this.client.get<PodObject>(Pods, keyOf(pod));
        }
      }
    } catch (e) {
      this.podEvent('update', set, pod, e);
      throw e;
    }
    if (wrote) this.podEvent('update', set, pod);
  }

  async deletePod(set: SetObject, pod: PodObject): Promise<void> {
    try {
      await this.client.delete(Pods, keyOf(pod), { preconditions: { uid: pod.metadata?.uid } });
    } catch (e) {
      this.podEvent('delete', set, pod, e);
      throw e;
    }
    this.podExp.recordDeleted(pod);
    this.podEvent('delete', set, pod);
  }

  claimsMatchRetention(set: SetObject, pod: PodObject): boolean {
    for (const name of claimNames(set, ordinalOf(pod))) {
      const live = this.getClaim(set.metadata?.namespace, name);
      if (live && !isClaimOwnerUpToDate(live, set, pod)) return false;
    }
    return true;
  }

  async updateClaimsForRetention(set: SetObject, pod: PodObject): Promise<void> {
    for (const name of claimNames(set, ordinalOf(pod))) {
      const live = this.getClaim(set.metadata?.namespace, name);
      if (!live) continue;
      if (hasUnexpectedController(live, set, pod)) {
        this.recorder.record(eventRef(set), 'Warning', 'ConflictingController',
          `PersistentVolumeClaim ${name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`);
      }
      if (isClaimOwnerUpToDate(live, set, pod)) continue;
      const refs = claimOwnerRefs(live, set, pod);
      const old = live.metadata?.ownerReferences;
      // A JSON patch that tests the old refs: other writers (binder, protection) do not conflict with it.
      const ops: unknown[] = [{ op: 'test', path: '/metadata/uid', value: live.metadata?.uid }];
      if (old) ops.push({ op: 'test', path: '/metadata/ownerReferences', value: old });
      ops.push(refs.length ? { op: 'add', path: '/metadata/ownerReferences', value: refs } : { op: 'remove', path: '/metadata/ownerReferences' });
      try {
        await this.client.patch(PersistentVolumeClaims, keyOf(live), 'json', ops);
      } catch (e) {
        throw new Error(`could not update claim ${name} for delete policy ownerRefs: ${messageOf(e)}`);
      }
    }
  }

  /** B20: whether a claim of this (not yet created) pod still belongs to an earlier pod. */
  podClaimIsStale(set: SetObject, pod: PodObject): boolean {
    for (const name of claimNames(set, ordinalOf(pod))) {
      const live = this.getClaim(set.metadata?.namespace, name);
      if (live && claimIsStale(live, set, pod)) return true;
    }
    return false;
  }

  private async createClaims(set: SetObject, pod: PodObject): Promise<void> {
    const errors: Error[] = [];
    const ordinal = ordinalOf(pod);
    for (const template of set.spec?.volumeClaimTemplates ?? []) {
      const name = claimName(set, template, ordinal);
      let existing = this.getClaim(set.metadata?.namespace, name);
      if (!existing) {
        const claim = claimFor(set, template, ordinal);
        // Claims the policy wants owned by the set get the ref at once: one write instead of two.
        if (wantedOwners(set, pod).set) claim.metadata!.ownerReferences = [setRef(set)];
        try {
          const created = await this.client.create(PersistentVolumeClaims, claim);
          this.claimExp.recordCreated(created);
          this.claimEvent(set, pod, name);
          continue;
        } catch (e) {
          if (!isAlreadyExists(e)) {
            errors.push(new Error(`failed to create PVC ${name}: ${messageOf(e)}`));
            this.claimEvent(set, pod, name, e);
            continue;
          }
          // Created by an earlier sync the cache has not shown yet: look at the live one.
          try {
            existing = await this.client.get<ClaimObject>(PersistentVolumeClaims, keyOf(claim));
          } catch (ge) {
            if (!isNotFound(ge)) errors.push(new Error(`failed to retrieve PVC ${name}: ${messageOf(ge)}`));
            continue;
          }
        }
      }
      if (existing.metadata?.deletionTimestamp) errors.push(new Error(`pvc ${name} is being deleted`));
    }
    const err = aggregate(errors);
    if (err) throw err;
  }

  private podEvent(verb: 'create' | 'update' | 'delete', set: SetObject, pod: PodObject, error?: unknown): void {
    const Verb = verb[0].toUpperCase() + verb.slice(1);
    const name = pod.metadata?.name;
    if (error === undefined) {
      this.recorder.record(eventRef(set), 'Normal', `Successful${Verb}`, `${verb} Pod ${name} in StatefulSet ${set.metadata?.name} successful`);
    } else {
      this.recorder.record(eventRef(set), 'Warning', `Failed${Verb}`,
        `${verb} Pod ${name} in StatefulSet ${set.metadata?.name} failed error: ${messageOf(error)}`);
    }
  }

  private claimEvent(set: SetObject, pod: PodObject, claim: string, error?: unknown): void {
    const pn = pod.metadata?.name;
    if (error === undefined) {
      this.recorder.record(eventRef(set), 'Normal', 'SuccessfulCreate', `create Claim ${claim} Pod ${pn} in StatefulSet ${set.metadata?.name} success`);
    } else {
      this.recorder.record(eventRef(set), 'Warning', 'FailedCreate',
        `create Claim ${claim} for Pod ${pn} in StatefulSet ${set.metadata?.name} failed error: ${messageOf(error)}`);
    }
  }
}

/** What events point at: the set as apps/v1 StatefulSet (cached objects may lack their kind). */
export function eventRef(set: SetObject): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: set.metadata };
}
