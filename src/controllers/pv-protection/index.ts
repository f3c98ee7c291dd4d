// PV protection (upstream pkg/controller/volume/pvprotection, G9): a PV being deleted keeps
// its `kubernetes.io/pv-protection` finalizer while its phase is Bound; once the binder has
// released it (Released, Available, Failed) the finalizer goes and the PV disappears. PVs that
// lack the finalizer and are not being deleted get it.
import { isNotFound, PersistentVolumes } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { ControllerSpec, InformerSet, Reconciler, Watch } from '../../controller-runtime/index.js';
import { PV_PROTECTION_FINALIZER, type PersistentVolumeObject as Volume, copyForWrite } from '../../volumes/index.js';

const isDeletionCandidate = (pv: Volume) => !!pv.metadata?.deletionTimestamp && (pv.metadata.finalizers ?? []).includes(PV_PROTECTION_FINALIZER);
const needsFinalizer = (pv: Volume) => !pv.metadata?.deletionTimestamp && !(pv.metadata?.finalizers ?? []).includes(PV_PROTECTION_FINALIZER);

export function pvProtection(client: ApiClient, informers: InformerSet): ControllerSpec {
  const pvInf = informers.informerFor<Volume>(PersistentVolumes);

  const setFinalizer = async (pv: Volume, present: boolean): Promise<void> => {
    const next = copyForWrite(pv);
    const rest = (next.metadata!.finalizers ?? []).filter((f) => f !== PV_PROTECTION_FINALIZER);
    next.metadata!.finalizers = present ? [...rest, PV_PROTECTION_FINALIZER] : rest;
    try {
      await client.update(PersistentVolumes, next);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  };

  const reconciler: Reconciler = {
    async reconcile(req) {
      const pv = pvInf.lister.get({ name: req.name });
      if (!pv) return {};
      // "In use" is exactly what the binder says: phase Bound.
      if (isDeletionCandidate(pv) && pv.status?.phase !== 'Bound') await setFinalizer(pv, false);
      else if (needsFinalizer(pv)) await setFinalizer(pv, true);
      return {};
    },
  };
  const watch: Watch<Volume> = {
    informer: pvInf,
    toRequests: (pv) => (isDeletionCandidate(pv) || needsFinalizer(pv) ? [{ name: pv.metadata?.name ?? '' }] : []),
  };
  return { name: 'pv-protection', reconciler, watches: [watch] as unknown as Watch[], concurrency: 2 };
}
