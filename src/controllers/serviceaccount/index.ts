// ServiceAccounts controller: every active namespace has a `default` ServiceAccount
// (upstream pkg/controller/serviceaccount), which pods use unless they name another.
import { isAlreadyExists, Namespaces, ServiceAccounts, type KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { ControllerSpec, InformerSet, Reconciler, Request } from '../../controller-runtime/index.js';

const NAME = 'default';

export function serviceAccountController(client: ApiClient, informers: InformerSet): ControllerSpec {
  const namespaces = informers.informerFor<KubeObject>(Namespaces);
  const accounts = informers.informerFor<KubeObject>(ServiceAccounts, { fieldSelector: `metadata.name=${NAME}` });
  const reconciler: Reconciler = {
    async reconcile(req) {
      const ns = namespaces.lister.get({ name: req.name });
      if (!ns || ns.metadata?.deletionTimestamp) return {};
      if (accounts.lister.get({ namespace: req.name, name: NAME })) return {};
      try {
        await client.create(ServiceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: NAME, namespace: req.name } });
      } catch (e) {
        // Forbidden: the namespace started terminating meanwhile.
        if (!isAlreadyExists(e) && (e as { code?: number }).code !== 403) throw e;
      }
      return {};
    },
  };
  const byNamespace = (o: KubeObject): Request[] => [{ name: o.metadata?.namespace ?? '' }];
  return {
    name: 'serviceaccount', reconciler,
    watches: [
      { informer: namespaces, toRequests: (o) => [{ name: o.metadata?.name ?? '' }] },
      { informer: accounts, toRequests: byNamespace },
    ],
  };
}
