// PVC protection (upstream pkg/controller/volume/pvcprotection, G1-G8): a claim being deleted
// keeps its `kubernetes.io/pvc-protection` finalizer while any scheduled pod (spec.nodeName
// set, in any phase, even Succeeded/Failed or being deleted) names it; the finalizer goes only
// when both the informer and a live list of the namespace's pods say nobody does. Claims that
// lack the finalizer and are not being deleted get it.
import { isNotFound, PersistentVolumeClaims, Pods } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { ControllerSpec, InformerSet, Reconciler, Request, Watch } from '../../controller-runtime/index.js';
import {
  keyOfClaim, podClaimKeys, PVC_PROTECTION_FINALIZER, type PersistentVolumeClaimObject as Claim, type PodObject, copyForWrite,
} from '../../volumes/index.js';

const POD_CLAIMS = 'pvc-protection/pod-claims';

const isDeletionCandidate = (c: Claim) => !!c.metadata?.deletionTimestamp && (c.metadata.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER);
const needsFinalizer = (c: Claim) => !c.metadata?.deletionTimestamp && !(c.metadata?.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER);

/** Force-deleted, or done and handed to garbage collection: its ephemeral claims may go (G6). */
const podIsShutDown = (pod: PodObject) => !!pod.metadata?.deletionTimestamp && pod.metadata.deletionGracePeriodSeconds === 0;

/** Whether the pod counts as using the claim (upstream podUsesPVC). */
export function podUsesClaim(pod: PodObject, claim: Claim): boolean {
  if (!pod.spec?.nodeName) return false;
  const name = claim.metadata?.name;
  return (pod.spec.volumes ?? []).some((v) => {
    if (v.persistentVolumeClaim) return v.persistentVolumeClaim.claimName === name;
    if (!v.ephemeral || podIsShutDown(pod) || `${pod.metadata?.name ?? ''}-${v.name}` !== name) return false;
    // Only the claim made for this pod's ephemeral volume, not one that happens to share the name.
    return (claim.metadata?.ownerReferences ?? []).some((r) => r.controller && r.uid === pod.metadata?.uid);
  });
}

export function pvcProtection(client: ApiClient, informers: InformerSet): ControllerSpec {
  const claimInf = informers.informerFor<Claim>(PersistentVolumeClaims);
  const podInf = informers.informerFor<PodObject>(Pods);
  podInf.addIndex(POD_CLAIMS, podClaimKeys);

  const inUse = async (claim: Claim): Promise<boolean> => {
    if (podInf.lister.byIndex(POD_CLAIMS, keyOfClaim(claim)).some((p) => podUsesClaim(p, claim))) return true;
    // The cache may not have seen a pod yet: only a live list may say "unused".
    const live = await client.list<PodObject>(Pods, { namespace: claim.metadata?.namespace });
    return live.items.some((p) => podUsesClaim(p, claim));
  };

  const setFinalizer = async (claim: Claim, present: boolean): Promise<void> => {
    const next = copyForWrite(claim);
    const rest = (next.metadata!.finalizers ?? []).filter((f) => f !== PVC_PROTECTION_FINALIZER);
    next.metadata!.finalizers = present ? [...rest, PVC_PROTECTION_FINALIZER] : rest;
    try {
      await client.update(PersistentVolumeClaims, next);
    } catch (e) {
      if (!isNotFound(e)) throw e; // a conflict retries with the newer claim
    }
  };

  const reconciler: Reconciler = {
    async reconcile(req) {
      const claim = claimInf.lister.get({ namespace: req.namespace, name: req.name });
      if (!claim) return {};
      if (isDeletionCandidate(claim) && !(await inUse(claim))) await setFinalizer(claim, false);
      else if (needsFinalizer(claim)) await setFinalizer(claim, true);
      return {};
    },
  };

  const claimWatch: Watch<Claim> = {
    informer: claimInf,
    toRequests: (c) => (isDeletionCandidate(c) || needsFinalizer(c) ? [{ namespace: c.metadata?.namespace, name: c.metadata?.name ?? '' }] : []),
  };
  const podWatch: Watch<PodObject> = {
    informer: podInf,
    toRequests(pod) {
      // Only a pod that stopped counting can free a claim: gone (or replaced by a namesake),
      // unscheduled, finished, or shut down.
      const current = podInf.lister.get({ namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '' });
      const gone = !current || current.metadata?.uid !== pod.metadata?.uid;
      const done = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed' || podIsShutDown(pod);
      if (!gone && !done && pod.spec?.nodeName) return [];
      const out: Request[] = [];
      for (const key of podClaimKeys(pod)) {
        const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
        const claim = claimInf.lister.get({ namespace, name });
        if (claim && isDeletionCandidate(claim)) out.push({ namespace, name });
      }
      return out;
    },
  };
  return { name: 'pvc-protection', reconciler, watches: [claimWatch, podWatch] as unknown as Watch[], concurrency: 2 };
}
