// The EndpointSlice controller (upstream pkg/controller/endpointslice): for every Service with a
// selector, discovery.k8s.io/v1 EndpointSlices of its pods, owned by the Service (so the garbage
// collector removes them with it), at most 100 endpoints each. Reconciled per service key: a
// burst of pod changes becomes one pass, and a pass writes only the slices whose content moved.
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { EndpointSlices, isNotFound, Nodes, Pods, Services } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import {
  enqueueForObject, type ControllerSpec, type InformerSet, type Logger, type Reconciler, type Request, type Watch,
} from '../../controller-runtime/index.js';
import {
  isNamespaceTerminating, LAST_CHANGE_TRIGGER_TIME, managesEndpoints, podsOfService, serviceOfRequest, servicesOfPod,
  type PodObject, type ServiceObject,
} from './pods.js';
import {
  LABEL_MANAGED_BY, LABEL_SERVICE_NAME, planSlices, SLICE_CONTROLLER_NAME, type EndpointSliceObject, type NodeObject,
} from './slice-reconciler.js';
import { SliceTracker } from './slice-tracker.js';
import { TriggerTimeTracker } from './trigger-time.js';

const BY_SERVICE = 'endpointslice/service';

/** `<namespace>/<service>` of a slice managed by `controllerName`, if it is one. */
export function managedSliceService(slice: EndpointSlice, controllerName: string): string | undefined {
  const labels = slice.metadata?.labels ?? {};
  const svc = labels[LABEL_SERVICE_NAME];
  return labels[LABEL_MANAGED_BY] === controllerName && svc ? `${slice.metadata?.namespace}/${svc}` : undefined;
}

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
  const sliceInf = informers.informerFor<EndpointSliceObject>(EndpointSlices);
  sliceInf.addIndex(BY_SERVICE, (s) => {
    const k = managedSliceService(s, SLICE_CONTROLLER_NAME);
    return k ? [k] : [];
  });
  const tracker = new SliceTracker();
  const triggers = new TriggerTimeTracker();

  const reconciler: Reconciler = {
    async reconcile(req) {
      const { namespace, key, svc } = serviceOfRequest(svcInf.lister, req);
      if (!svc) {
        // Its slices are owned by it: the garbage collector removes them.
        tracker.forget(key);
        triggers.delete(key);
        return {};
      }
      if (!managesEndpoints(svc)) return {};
      const pods = podsOfService(podInf.lister, svc);
      // Slices already being deleted are left to finish (upstream dropEndpointSlicesPendingDeletion).
      const slices = sliceInf.lister.byIndex(BY_SERVICE, key).filter((s) => !s.metadata?.deletionTimestamp);
      if (tracker.stale(key, slices, (name) => sliceInf.lister.get({ namespace, name }))) throw new Error(`EndpointSlice informer cache is out of date for service ${key}`);
      const triggerTime = triggers.compute(key, svc, pods);
      const plan = planSlices(svc, pods, slices, (name) => nodeInf.lister.get(name), { maxEndpointsPerSlice: opts.maxEndpointsPerSlice });

      // No new slices for a service on its way out: the garbage collector would race them.
      if (!svc.metadata?.deletionTimestamp) {
        for (const slice of plan.create) {
          try {
            tracker.wrote(key, await client.create(EndpointSlices, withTriggerTime(slice, triggerTime)));
          } catch (e) {
            if (isNamespaceTerminating(e)) return {};
            throw e;
          }
        }
      }
      for (const slice of plan.update) tracker.wrote(key, await client.update(EndpointSlices, withTriggerTime(slice, triggerTime)));
      for (const slice of plan.delete) {
        tracker.deleting(key, slice);
        try {
          await client.delete(EndpointSlices, { namespace, name: slice.metadata!.name! });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      if (plan.missingNodes.length) throw new Error(`skipping pods of service ${key}: node(s) ${[...new Set(plan.missingNodes)].join(', ')} not found`);
      return {};
    },
  };

  const svcWatch: Watch<ServiceObject> = { informer: svcInf, toRequests: enqueueForObject };
  const podWatch: Watch<PodObject> = { informer: podInf, toRequests: (pod) => servicesOfPod(svcInf.lister, pod) };
  // Nodes are read for zones only; watching them makes the controller wait for their cache.
  const nodeWatch: Watch<NodeObject> = { informer: nodeInf, toRequests: () => [] };
  const sliceWatch: Watch<EndpointSliceObject> = {
    informer: sliceInf,
    toRequests(slice): Request[] {
      const key = managedSliceService(slice, SLICE_CONTROLLER_NAME);
      if (!key) return [];
      const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
      const live = sliceInf.lister.get({ namespace, name: slice.metadata?.name ?? '' });
      const gone = !live || live.metadata?.uid !== slice.metadata?.uid;
      // Echoes of our own writes need no pass; anyone else's change (or deletion) does.
      if (gone ? !tracker.removed(key, slice) : !tracker.isForeign(key, slice)) return [];
      return [{ namespace, name }];
    },
  };
  return {
    name: 'endpointslice-controller', reconciler, watches: [svcWatch, podWatch, nodeWatch, sliceWatch] as unknown as Watch[],
    concurrency: 2, logger: opts.logger,
  };
}
