// Namespace controller: a namespace marked for deletion loses all its contents, then its
// `kubernetes` finalizer, then itself (upstream pkg/controller/namespace).
import { ALL_RESOURCES, isNotFound, Namespaces, type KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import { enqueueForObject, type ControllerSpec, type InformerSet, type Reconciler } from '../../controller-runtime/index.js';

const FINALIZER = 'kubernetes';
const NAMESPACED = ALL_RESOURCES.filter((r) => r.namespaced && r.verbs.includes('delete'));

export function namespaceController(client: ApiClient, informers: InformerSet): ControllerSpec {
  const namespaces = informers.informerFor<KubeObject>(Namespaces);
  const reconciler: Reconciler = {
    async reconcile(req) {
      const ns = namespaces.lister.get({ name: req.name });
      const finalizers = (ns?.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
      if (!ns?.metadata?.deletionTimestamp || !finalizers.includes(FINALIZER)) return {};
      let remaining = 0;
      // Live lists, not caches: the namespace must be really empty before it goes.
      for (const type of NAMESPACED) {
        const list = await client.list(type, { namespace: req.name });
        for (const item of list.items) {
          remaining++;
          if (item.metadata?.deletionTimestamp) continue;
          try {
            await client.delete(type, { namespace: req.name, name: item.metadata!.name! }, { propagationPolicy: 'Background' });
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
        }
      }
      if (remaining > 0) return { requeueAfterMs: 1000 };
      try {
        await client.update(Namespaces, { ...ns, spec: { finalizers: finalizers.filter((f) => f !== FINALIZER) } }, { subresource: 'finalize' });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return {};
    },
  };
  return { name: 'namespace', reconciler, watches: [{ informer: namespaces, toRequests: enqueueForObject }], concurrency: 2 };
}
