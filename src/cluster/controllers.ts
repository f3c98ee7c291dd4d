// The controller manager: shared informers, every controller, one leader at a time
// (a coordination.k8s.io Lease in kube-system, like kube-controller-manager).
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ApiClient } from '../client/index.js';
import { consoleLogger, InformerSet, runController, runLeaderElection, silentLogger, sleep, realClock, type ControllerSpec, type Logger } from '../controller-runtime/index.js';
import { garbageCollector } from '../controllers/garbage-collector/index.js';
import { namespaceController } from '../controllers/namespace/index.js';
import { provisionerController } from '../controllers/provisioner/index.js';
import { pvBinder } from '../controllers/pv-binder/index.js';
import { pvProtection } from '../controllers/pv-protection/index.js';
import { pvcProtection } from '../controllers/pvc-protection/index.js';
import { schedulerController } from '../controllers/scheduler/index.js';
import { statefulSetController } from '../controllers/statefulset/index.js';
import { volumeExpandController } from '../controllers/volume-expand/index.js';
import { rootCaPublisher } from '../controllers/root-ca-publisher/index.js';
import { serviceAccountController } from '../controllers/serviceaccount/index.js';
import { endpointsController, endpointSliceController, endpointSliceMirroringController } from '../controllers/endpoints/index.js';
import { controllerMetrics } from './metrics.js';
import type { ClusterContext, Component } from './start.js';

export type ControllerFactory = (client: ApiClient, informers: InformerSet) => ControllerSpec;

export interface ControllerOptions {
  /** Where local-path volumes live (`<data-dir>/volumes`). */
  readonly localPathRoot?: string;
  /** The node Immediate-class local-path volumes are pinned to. */
  readonly immediateNode?: string;
  readonly logger?: Logger;
}

/** Every controller `berth up` runs, given the cluster it runs in. */
export function defaultControllers(cluster: ClusterContext, opts: ControllerOptions = {}): ControllerFactory[] {
  const logger = opts.logger;
  return [
    namespaceController, garbageCollector, serviceAccountController, rootCaPublisher(cluster.caPem),
    pvBinder, provisionerController({ root: opts.localPathRoot, immediateNode: opts.immediateNode }), pvcProtection, pvProtection,
    volumeExpandController({ root: opts.localPathRoot }),
    (client, informers) => schedulerController(client, informers, { logger }),
    (client, informers) => statefulSetController(client, informers, { logger }),
    (client, informers) => endpointsController(client, informers, { logger }),
    (client, informers) => endpointSliceController(client, informers, { logger }),
    (client, informers) => endpointSliceMirroringController(client, informers, { logger }),
  ];
}

export function controllerManager(opts: ControllerOptions & { controllers?: readonly ControllerFactory[]; leaderElection?: boolean } = {}): Component {
  return {
    name: 'controller-manager',
    async run(client, signal, cluster) {
      // Registered once per run: leadership may come and go, the metrics stay.
      const metrics = controllerMetrics(cluster.metrics);
      const start = async (leading: AbortSignal) => {
        // Every informer and worker listens on this one signal.
        setMaxListeners(0, leading);
        const informers = new InformerSet(client, { logger: opts.logger ?? silentLogger });
        const specs = (opts.controllers ?? defaultControllers(cluster, opts)).map((f, i) => {
          try {
            return f(client, informers);
          } catch (e) {
            // A controller that cannot even be built must not take the others down silently.
            (opts.logger ?? consoleLogger).error('controller could not be created', { index: i, error: (e as Error).message });
            throw e;
          }
        });
        informers.start(leading);
        await Promise.all(specs.map((s) => runController({ ...s, logger: opts.logger ?? s.logger, metrics }, leading)));
        await informers.stopped();
      };
      if (opts.leaderElection === false) return start(signal);
      const identity = `${hostname()}_${randomUUID()}`;
      while (!signal.aborted) {
        await runLeaderElection({
          client, lease: { namespace: 'kube-system', name: 'berth-controller-manager' }, identity,
          logger: opts.logger ?? silentLogger, onStartedLeading: start,
        }, signal);
        // Lost the lease (or never got it): campaign again after a pause.
        if (!signal.aborted) await sleep(realClock, 1000, signal);
      }
    },
  };
}
