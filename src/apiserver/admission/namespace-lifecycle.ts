// NamespaceLifecycle: nothing is created in a namespace that does not exist or is terminating,
// and the namespaces the system needs cannot be deleted.
import { ApiError, Namespaces, forbidden, notFound } from '../../core/index.js';
import type { AdmissionPlugin } from './types.js';

const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  async validate(a) {
    if (a.type === Namespaces) {
      if (a.operation === 'DELETE' && IMMORTAL.has(a.name)) {
        throw forbidden('namespaces', '', a.name, 'this namespace may not be deleted');
      }
      return;
    }
    if (!a.type.namespaced || a.operation !== 'CREATE' || !a.namespace) return;
    const ns = await a.reader.get(Namespaces, undefined, a.namespace);
    if (!ns) throw notFound('namespaces', '', a.namespace);
    // Events too: upstream's NamespaceLifecycle makes no exception (recorders drop them quietly).
    if (ns.metadata?.deletionTimestamp) {
      throw new ApiError(403, 'Forbidden',
        `${a.type.plural}${a.type.group ? '.' + a.type.group : ''} "${a.name}" is forbidden: unable to create new content in namespace ${a.namespace} because it is being terminated`,
        { name: a.name, group: a.type.group || undefined, kind: a.type.plural, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }] });
    }
  },
};
