// Root CA publisher: every active namespace has a `kube-root-ca.crt` ConfigMap holding the
// cluster CA, so in-cluster clients can verify the API server (upstream pkg/controller/certificates/rootcacertpublisher).
import { isAlreadyExists, isNotFound, ConfigMaps, Namespaces, type KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { ControllerSpec, InformerSet, Reconciler, Request } from '../../controller-runtime/index.js';

const NAME = 'kube-root-ca.crt';
const DESCRIPTION = 'kubernetes.io/description';
const DESCRIPTION_TEXT = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export function rootCaPublisher(caPem: string) {
  return (client: ApiClient, informers: InformerSet): ControllerSpec => {
    const namespaces = informers.informerFor<KubeObject>(Namespaces);
    const maps = informers.informerFor<KubeObject>(ConfigMaps, { fieldSelector: `metadata.name=${NAME}` });
    const reconciler: Reconciler = {
      async reconcile(req) {
        const ns = namespaces.lister.get({ name: req.name });
        if (!ns || ns.metadata?.deletionTimestamp) return {};
        const current = maps.lister.get({ namespace: req.name, name: NAME });
        const data = { 'ca.crt': caPem };
        try {
          if (!current) {
            await client.create(ConfigMaps, {
              apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: NAME, namespace: req.name, annotations: { [DESCRIPTION]: DESCRIPTION_TEXT } }, data,
            });
          } else if ((current.data as Record<string, string> | undefined)?.['ca.crt'] !== caPem) {
            await client.update(ConfigMaps, { ...structuredClone(current), data });
          }
        } catch (e) {
          if (!isAlreadyExists(e) && !isNotFound(e) && (e as { code?: number }).code !== 403) throw e;
        }
        return {};
      },
    };
    const byNamespace = (o: KubeObject): Request[] => [{ name: o.metadata?.namespace ?? '' }];
    return {
      name: 'root-ca-cert-publisher', reconciler,
      watches: [
        { informer: namespaces, toRequests: (o) => [{ name: o.metadata?.name ?? '' }] },
        { informer: maps, toRequests: byNamespace },
      ],
    };
  };
}
