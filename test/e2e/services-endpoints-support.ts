// Shared setup for the Service endpoint tests: sim nodes (pods get IPs and turn Ready), the
// scheduler, the StatefulSet controller, the garbage collector and both endpoint controllers.
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { controllerManager } from '../../src/cluster/index.js';
import { silentLogger } from '../../src/controller-runtime/index.js';
import { endpointsController, endpointSliceController, endpointSliceMirroringController } from '../../src/controllers/endpoints/index.js';
import { garbageCollector } from '../../src/controllers/garbage-collector/index.js';
import { schedulerController } from '../../src/controllers/scheduler/index.js';
import { statefulSetController } from '../../src/controllers/statefulset/index.js';
import { Endpoints as EndpointsType, EndpointSlices, isNotFound, type KubeObject } from '../../src/core/index.js';
import { simNodes } from '../../src/kubelet/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { FAST } from './node-support.js';

export type EndpointsObject = Endpoints & KubeObject;
export type SliceObject = EndpointSlice & KubeObject;
export const ZONE = 'zone-a';

export function startEndpointsCluster(nodes = 2): Promise<TestCluster> {
  return startTestCluster({
    components: [
      ...simNodes(nodes, { ...FAST, labels: { 'topology.kubernetes.io/zone': ZONE } }),
      controllerManager({
        controllers: [
          schedulerController, garbageCollector,
          (c, i) => statefulSetController(c, i, { logger: silentLogger }),
          (c, i) => endpointsController(c, i, { logger: silentLogger }),
          (c, i) => endpointSliceController(c, i, { logger: silentLogger }),
          (c, i) => endpointSliceMirroringController(c, i, { logger: silentLogger }),
        ],
        logger: silentLogger, leaderElection: false,
      }),
    ],
  });
}

export async function endpointsOf(c: TestCluster, name: string, namespace = 'default'): Promise<EndpointsObject | undefined> {
  try {
    return await c.client.get<EndpointsObject>(EndpointsType, { namespace, name });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export async function slicesOf(c: TestCluster, service: string, namespace = 'default'): Promise<SliceObject[]> {
  return (await c.client.list<SliceObject>(EndpointSlices, { namespace, labelSelector: `kubernetes.io/service-name=${service}` })).items;
}

/** All endpoint IPs of a service's Endpoints, ready and not ready, sorted. */
export function endpointIPs(ep: EndpointsObject | undefined): { ready: string[]; notReady: string[] } {
  const ready = (ep?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
  const notReady = (ep?.subsets ?? []).flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip)).sort();
  return { ready, notReady };
}
