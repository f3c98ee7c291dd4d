// A wake-up source: an Informer-shaped object the scheduler fires by hand, so pods parked as
// unschedulable re-enter runController's queue when the cluster changed in a way that may
// help them (upstream's unschedulable queue moving pods on cluster events). It holds no
// objects, is always synced, and runs nothing.
import { Pods, type KubeObject } from '../../core/index.js';
import type { Informer, Lister } from '../../controller-runtime/index.js';

export interface WakeSource extends Informer<KubeObject> {
  wake(namespace: string, name: string): void;
}

const EMPTY: Lister<KubeObject> = { get: () => undefined, list: () => [], byIndex: () => [], size: () => 0 };

export function wakeSource(): WakeSource {
  const handlers = new Set<(c: { new?: KubeObject }) => void>();
  return {
    type: Pods,
    lister: EMPTY,
    hasSynced: () => true,
    waitForSync: async () => true,
    onChange(h) {
      handlers.add(h);
      return () => { handlers.delete(h); };
    },
    addIndex() {},
    run: (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
    wake(namespace, name) {
      const obj: KubeObject = { metadata: { namespace, name } };
      for (const h of handlers) h({ new: obj });
    },
  };
}
