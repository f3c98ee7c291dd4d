// The Endpoints controller (upstream pkg/controller/endpoint): one core/v1 Endpoints per Service
// with a selector, named after it, listing the selected pods' addresses (ready or not ready)
// with the ports their targetPorts resolve to. Written only when its content changes.
import { isDeepStrictEqual } from 'node:util';
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints } from 'kubernetes-types/core/v1.js';
import { Endpoints as EndpointsType, isNotFound, Pods, Services, type KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import {
  enqueueForObject, type ControllerSpec, type InformerSet, type Logger, type Reconciler, type Request, type Watch,
} from '../../controller-runtime/index.js';
import {
  findPort, HEADLESS_LABEL, isHeadless, isNamespaceTerminating, isPodReady, LAST_CHANGE_TRIGGER_TIME, managesEndpoints, podIPsOf,
  podRef, podsOfService, primaryFamily, serviceOfRequest, servicesOfPod, shouldPodBeInEndpoints, shouldSetHostname,
  type PodObject, type ServiceObject,
} from './pods.js';
import { TriggerTimeTracker } from './trigger-time.js';

export type EndpointsObject = Endpoints & KubeObject;

export const ENDPOINTS_MANAGED_BY_LABEL = 'endpoints.kubernetes.io/managed-by';
export const ENDPOINTS_CONTROLLER_NAME = 'endpoint-controller';
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
/** Addresses one Endpoints object keeps; beyond it the object is truncated and annotated. */
export const MAX_CAPACITY = 1000;

/** The pod's address for the service (its IP of the service's family), or undefined without one. */
function addressOf(svc: ServiceObject, pod: PodObject): EndpointAddress | undefined {
  const ip = podIPsOf(pod, primaryFamily(svc))[0];
  if (!ip) return undefined;
  return {
    ip,
    ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec!.hostname } : {}),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: podRef(pod),
  };
}

/** The subsets the service's pods make, before repacking: one per pod and port. */
function podSubsets(svc: ServiceObject, pods: readonly PodObject[]): EndpointSubset[] {
  const tolerateUnready = svc.spec?.publishNotReadyAddresses === true;
  const out: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const addr = addressOf(svc, pod);
    if (!addr) continue;
    const ready = tolerateUnready || isPodReady(pod);
    const subset = (ports?: EndpointPort[]): EndpointSubset => ({
      ...(ready ? { addresses: [addr] } : { notReadyAddresses: [addr] }), ...(ports ? { ports } : {}),
    });
    const svcPorts = svc.spec?.ports ?? [];
    // Headless services may have no ports: their pods are listed bare.
    if (!svcPorts.length) {
      if (svc.spec?.clusterIP === 'None') out.push(subset());
      continue;
    }
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue; // a named targetPort this pod does not have
      out.push(subset([{
        ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP',
        ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
      }]));
    }
  }
  return out;
}

const addrKey = (a: EndpointAddress) => `${a.ip}|${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort) => JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? '']);
const compareBy = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * RepackSubsets (pkg/api/v1/endpoints): addresses offering the same set of ports share one
 * subset; an address ready on a port is ready there even if another subset said not ready.
 * Sorted so equal content is equal JSON (upstream sorts by hash; any stable order serves).
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  // port key → (port, address key → ready); ports-less subsets use a sentinel port.
  const byPort = new Map<string, { port?: EndpointPort; ready: Map<string, boolean> }>();
  const note = (port: EndpointPort | undefined, a: EndpointAddress, ready: boolean) => {
    const ak = addrKey(a);
    if (!addrs.has(ak)) addrs.set(ak, a);
    const pk = port ? portKey(port) : '';
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, entry = { port, ready: new Map() });
    if (!entry.ready.get(ak)) entry.ready.set(ak, ready);
  };
  for (const ss of subsets) {
    for (const port of ss.ports?.length ? ss.ports : [undefined]) {
      for (const a of ss.addresses ?? []) note(port, a, true);
      for (const a of ss.notReadyAddresses ?? []) note(port, a, false);
    }
  }
  // Group ports by the exact (address, readiness) set they map to.
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const key = JSON.stringify([...ready].sort(compareBy(([k, r]) => `${k}|${r}`)));
    let g = groups.get(key);
    if (!g) groups.set(key, g = { ready, ports: [] });
    if (port) g.ports.push(port);
  }
  const sortAddrs = (list: EndpointAddress[]) => list.sort(compareBy(addrKey));
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready = sortAddrs([...g.ready].filter(([, r]) => r).map(([k]) => addrs.get(k)!));
    const notReady = sortAddrs([...g.ready].filter(([, r]) => !r).map(([k]) => addrs.get(k)!));
    out.push({
      ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}),
      ...(g.ports.length ? { ports: g.ports.sort(compareBy(portKey)) } : {}),
    });
  }
  return out.sort(compareBy((s) => JSON.stringify(s)));
}

/** The service's desired subsets. */
export const desiredSubsets = (svc: ServiceObject, pods: readonly PodObject[]): EndpointSubset[] => repackSubsets(podSubsets(svc, pods));

const countAddresses = (subsets: readonly EndpointSubset[]) =>
  subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);

/**
 * truncateEndpoints: over MAX_CAPACITY addresses, keep ready ones first, spread over the subsets
 * in proportion to their size (rounded up, the last subset gets what is left).
 */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  const totalReady = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const totalNotReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (totalReady + totalNotReady <= MAX_CAPACITY) return false;
  const truncateReady = totalReady > MAX_CAPACITY;
  const max = truncateReady ? MAX_CAPACITY : MAX_CAPACITY - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  for (const s of subsets) {
    const inSubset = (truncateReady ? s.addresses : s.notReadyAddresses)?.length ?? 0;
    const toBeAdded = Math.min(Math.ceil((inSubset / numTotal) * max), canBeAdded);
    if (truncateReady) {
      s.addresses = (s.addresses ?? []).slice(0, toBeAdded);
      delete s.notReadyAddresses;
      canBeAdded -= s.addresses.length;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= s.notReadyAddresses.length;
    }
  }
  return true;
}

/** labelsCorrectForEndpoints: the service's labels plus ours (headless, managed-by), nothing else. */
function labelsCorrect(ep: Record<string, string>, svc: Record<string, string>): boolean {
  if (ep[ENDPOINTS_MANAGED_BY_LABEL] !== ENDPOINTS_CONTROLLER_NAME) return false;
  const own = Object.entries(ep).filter(([k]) => k !== HEADLESS_LABEL && k !== ENDPOINTS_MANAGED_BY_LABEL);
  return own.length === Object.keys(svc).length && own.every(([k, v]) => svc[k] === v);
}

/** The stored subsets without targetRef resourceVersions, which pod updates would otherwise churn. */
const withoutRefVersions = (subsets: readonly EndpointSubset[] | undefined): EndpointSubset[] => (subsets ?? []).map((s) => {
  const strip = (list?: EndpointAddress[]) => list?.map((a) => {
    if (!a.targetRef?.resourceVersion) return a;
    const { resourceVersion: _rv, ...targetRef } = a.targetRef;
    return { ...a, targetRef };
  });
  const out: EndpointSubset = { ...s };
  if (s.addresses) out.addresses = strip(s.addresses);
  if (s.notReadyAddresses) out.notReadyAddresses = strip(s.notReadyAddresses);
  return out;
});

export interface EndpointsControllerOptions {
  readonly logger?: Logger;
}

export function endpointsController(client: ApiClient, informers: InformerSet, opts: EndpointsControllerOptions = {}): ControllerSpec {
  const svcInf = informers.informerFor<ServiceObject>(Services);
  const podInf = informers.informerFor<PodObject>(Pods);
  const epInf = informers.informerFor<EndpointsObject>(EndpointsType);
  const triggers = new TriggerTimeTracker();
  // The resourceVersion each service's Endpoints had before our last write: seeing it again in
  // the cache means the cache is behind our own write (upstream staleEndpointsTracker).
  const staleVersions = new Map<string, string>();

  const reconciler: Reconciler = {
    async reconcile(req) {
      const { namespace, key, svc } = serviceOfRequest(svcInf.lister, req);
      if (!svc) {
        // The service is gone: so is its Endpoints.
        try {
          await client.delete(EndpointsType, { namespace, name: req.name });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
        triggers.delete(key);
        staleVersions.delete(key);
        return {};
      }
      // Selector-less services get Endpoints written by their users; ExternalName ones none.
      if (!managesEndpoints(svc)) return {};

      const pods = podsOfService(podInf.lister, svc);
      const triggerTime = triggers.compute(key, svc, pods);
      const subsets = desiredSubsets(svc, pods);
      const current = epInf.lister.get({ namespace, name: req.name });
      if (current && staleVersions.get(key) === current.metadata?.resourceVersion) {
        throw new Error(`endpoints informer cache is out of date, resource version ${current.metadata?.resourceVersion} already processed for endpoints ${key}`);
      }
      const svcLabels = svc.metadata?.labels ?? {};
      if (current && isDeepStrictEqual(withoutRefVersions(current.subsets), subsets)
        && labelsCorrect(current.metadata?.labels ?? {}, svcLabels)
        && countAddresses(current.subsets ?? []) <= MAX_CAPACITY && !current.metadata?.annotations?.[OVER_CAPACITY_ANNOTATION]) {
        return {};
      }

      const annotations = { ...(current?.metadata?.annotations ?? {}) };
      if (triggerTime) annotations[LAST_CHANGE_TRIGGER_TIME] = triggerTime; else delete annotations[LAST_CHANGE_TRIGGER_TIME];
      if (truncateSubsets(subsets)) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated'; else delete annotations[OVER_CAPACITY_ANNOTATION];
      const labels: Record<string, string> = { ...svcLabels };
      if (isHeadless(svc)) labels[HEADLESS_LABEL] = ''; else delete labels[HEADLESS_LABEL];
      labels[ENDPOINTS_MANAGED_BY_LABEL] = ENDPOINTS_CONTROLLER_NAME;
      const metadata = {
        ...(current?.metadata ?? { name: req.name, namespace }), labels,
        ...(Object.keys(annotations).length ? { annotations } : { annotations: undefined }),
      };
      if (!metadata.annotations) delete metadata.annotations;
      const next: EndpointsObject = { apiVersion: 'v1', kind: 'Endpoints', metadata, subsets };

      if (!current) {
        try {
          await client.create(EndpointsType, next);
        } catch (e) {
          // A terminating namespace refuses creates for good: nothing to retry.
          if (isNamespaceTerminating(e)) return {};
          throw e;
        }
        return {};
      }
      const updated = await client.update(EndpointsType, next);
      if (updated.metadata?.resourceVersion !== current.metadata?.resourceVersion) {
        staleVersions.set(key, current.metadata?.resourceVersion ?? '');
      }
      return {};
    },
  };

  const svcWatch: Watch<ServiceObject> = { informer: svcInf, toRequests: enqueueForObject };
  const podWatch: Watch<PodObject> = { informer: podInf, toRequests: (pod) => servicesOfPod(svcInf.lister, pod) };
  const epWatch: Watch<EndpointsObject> = {
    informer: epInf,
    // Our own writes are no news. A deletion is (someone removed a managed Endpoints), and so is
    // one of ours whose Service is gone, e.g. deleted while no controller ran (upstream
    // checkLeftoverEndpoints; unlike it, Endpoints we never managed are left alone).
    toRequests(ep): Request[] {
      const key = { namespace: ep.metadata?.namespace, name: ep.metadata?.name ?? '' };
      const live = epInf.lister.get(key);
      const orphan = ep.metadata?.labels?.[ENDPOINTS_MANAGED_BY_LABEL] === ENDPOINTS_CONTROLLER_NAME && !svcInf.lister.get(key);
      return !live || orphan ? [key] : [];
    },
  };
  return {
    name: 'endpoint-controller', reconciler, watches: [svcWatch, podWatch, epWatch] as unknown as Watch[], concurrency: 2,
    logger: opts.logger,
  };
}
