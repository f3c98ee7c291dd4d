// The EndpointSlice controller (upstream pkg/controller/endpointslice): for every Service with a
// selector, discovery.k8s.io/v1 EndpointSlices of its pods, owned by the Service (so the garbage
// collector removes them with it), at most 100 endpoints each. Reconciled per service key: a
// burst of pod changes becomes one pass, and a pass writes only the slices whose content moved.
import { Nodes, Pods, Services } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import {
  enqueueForObject, type ControllerSpec, type InformerSet, type Logger, type Reconciler, type Watch,
} from '../../controller-runtime/index.js';
import {
  LAST_CHANGE_TRIGGER_TIME, managesEndpoints, podsOfService, serviceOfRequest, servicesOfPod, type PodObject, type ServiceObject,
} from './pods.js';
import { planSlices, SLICE_CONTROLLER_NAME, type EndpointSliceObject, type NodeObject } from './slice-reconciler.js';
import { SliceWriter } from './slice-writer.js';
import { TriggerTimeTracker } from './trigger-time.js';

function withTriggerTime(slice: EndpointSliceObject, triggerTime: string | undefined): EndpointSliceObject {
  const annotations = { ...(slice.metadata?.annotations ?? {}) };
  if (triggerTime) annotations[LAST_CHANGE_TRIGGER_TIME] = triggerTime; else delete annotations[LAST_CHANGE_TRIGGER_TIME];
  const metadata = { ...slice.metadata };
  if (Object.keys(annotations).length) metadata.annotations = annotations; else delete metadata.annotations;
  return { ...slice, metadata };
}

export interface EndpointSliceControllerOptions {
  readonly logger?: Logger;
  /** Upstream --max-endpoints-per-slice (default 100). */
  readonly maxEndpointsPerSlice?: number;
}

export function endpointSliceController(client: ApiClient, informers: InformerSet, opts: EndpointSliceControllerOptions = {}): ControllerSpec {
  const svcInf = informers.informerFor<ServiceObject>(Services);
  const podInf = informers.informerFor<PodObject>(Pods);
  const nodeInf = informers.informerFor<NodeObject>(Nodes);
  const slices = new SliceWriter(client, informers, SLICE_CONTROLLER_NAME);
  const triggers = new TriggerTimeTracker();

  const reconciler: Reconciler = {
    async reconcile(req) {
      const { namespace, key, svc } = serviceOfRequest(svcInf.lister, req);
      if (!svc) {
        // Its slices are owned by it: the garbage collector removes them.
        slices.forget(key);
        triggers.delete(key);
        return {};
      }
      if (!managesEndpoints(svc)) return {};
      const pods = podsOfService(podInf.lister, svc);
      const current = slices.current(key, namespace);
      const triggerTime = triggers.compute(key, svc, pods);
      const plan = planSlices(svc, pods, current, (name) => nodeInf.lister.get(name), { maxEndpointsPerSlice: opts.maxEndpointsPerSlice });
      // No new slices for a service on its way out: the garbage collector would race them.
      await slices.apply(key, namespace, plan, { create: !svc.metadata?.deletionTimestamp, decorate: (s) => withTriggerTime(s, triggerTime) });
      if (plan.missingNodes.length) throw new Error(`skipping pods of service ${key}: node(s) ${[...new Set(plan.missingNodes)].join(', ')} not found`);
      return {};
    },
  };

  const svcWatch: Watch<ServiceObject> = { informer: svcInf, toRequests: enqueueForObject };
  const podWatch: Watch<PodObject> = { informer: podInf, toRequests: (pod) => servicesOfPod(svcInf.lister, pod) };
  // Nodes are read for zones only; watching them makes the controller wait for their cache.
  const nodeWatch: Watch<NodeObject> = { informer: nodeInf, toRequests: () => [] };
  return {
    name: 'endpointslice-controller', reconciler, watches: [svcWatch, podWatch, nodeWatch, slices.watch()] as unknown as Watch[],
    concurrency: 2, logger: opts.logger,
  };
}
