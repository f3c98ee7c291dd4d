// The EndpointSlice mirroring controller (upstream pkg/controller/endpointslicemirroring):
// Endpoints that users maintain for selector-less Services (cluster DNS's kube-dns, external
// databases) are mirrored into EndpointSlices, so consumers that read only slices see them.
// Slices are owned by the Endpoints, one per address type and port set (up to 1000 endpoints:
// upstream's --mirroring-max-endpoints-per-subset), labelled and annotated like it.
import type { EndpointAddress } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import { Endpoints as EndpointsType, Services } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import {
  enqueueForObject, type ControllerSpec, type InformerSet, type Logger, type Reconciler, type Watch,
} from '../../controller-runtime/index.js';
import { repackSubsets, type EndpointsObject } from './endpoints-controller.js';
import { isIPv6, LAST_CHANGE_TRIGGER_TIME, serviceOfRequest, serviceSelector, type ServiceObject } from './pods.js';
import {
  endpointKey, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, planOwner, portMapKey, slicePrefix,
  type AddressType, type DesiredGroup, type SliceOwner,
} from './slice-reconciler.js';
import { SliceWriter } from './slice-writer.js';

export const MIRRORING_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';
/** Endpoints labelled so are never mirrored (the label the Endpoints controller's own objects do not need). */
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Upstream --mirroring-max-endpoints-per-subset default. */
export const MAX_MIRRORED_PER_SUBSET = 1000;

/** shouldMirror: not opted out, not a leader-election record. */
const shouldMirror = (ep: EndpointsObject): boolean =>
  ep.metadata?.labels?.[SKIP_MIRROR_LABEL] !== 'true' && !ep.metadata?.annotations?.[LEADER_ANNOTATION];

function addressType(ip: string): AddressType | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(ip)) return undefined;
  return isIPv6(ip) ? 'IPv6' : 'IPv4';
}

function addressToEndpoint(a: EndpointAddress, ready: boolean): Endpoint {
  return {
    addresses: [a.ip], conditions: { ready },
    ...(a.hostname ? { hostname: a.hostname } : {}), ...(a.nodeName ? { nodeName: a.nodeName } : {}),
    ...(a.targetRef ? { targetRef: a.targetRef } : {}),
  };
}

/** The slices' desired endpoints, by address type and port set (the desiredCalc of upstream). */
export function mirroredGroups(ep: EndpointsObject): Map<AddressType, Map<string, DesiredGroup>> {
  const out = new Map<AddressType, Map<string, DesiredGroup>>();
  for (const subset of repackSubsets(ep.subsets ?? [])) {
    const ports: EndpointPort[] = (subset.ports ?? []).map((p) => ({
      name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    }));
    let added = 0;
    const add = (a: EndpointAddress, ready: boolean) => {
      // Beyond the per-subset limit addresses are skipped (upstream records EndpointsTruncated).
      const type = addressType(a.ip);
      if (!type || added >= MAX_MIRRORED_PER_SUBSET) return;
      added++;
      let groups = out.get(type);
      if (!groups) out.set(type, groups = new Map());
      const key = portMapKey(ports);
      let g = groups.get(key);
      if (!g) groups.set(key, g = { ports, endpoints: new Map() });
      const e = addressToEndpoint(a, ready);
      g.endpoints.set(endpointKey(e), e);
    };
    for (const a of subset.addresses ?? []) add(a, true);
    for (const a of subset.notReadyAddresses ?? []) add(a, false);
  }
  return out;
}

function endpointsOwner(ep: EndpointsObject): SliceOwner {
  const name = ep.metadata?.name ?? '';
  const labels = { ...(ep.metadata?.labels ?? {}), [LABEL_SERVICE_NAME]: name, [LABEL_MANAGED_BY]: MIRRORING_CONTROLLER_NAME };
  const annotations = { ...(ep.metadata?.annotations ?? {}) };
  delete annotations[LAST_CHANGE_TRIGGER_TIME];
  delete annotations[LAST_APPLIED];
  return {
    labels, annotations,
    owns: (s) => (s.metadata?.ownerReferences ?? []).some((r) => r.kind === 'Endpoints' && r.uid === ep.metadata?.uid),
    newSlice: (ports, type) => ({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: {
        generateName: slicePrefix(name), namespace: ep.metadata?.namespace, labels: { ...labels },
        ...(Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
        ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name, uid: ep.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      addressType: type, endpoints: [], ports,
    }),
  };
}

export interface MirroringControllerOptions {
  readonly logger?: Logger;
}

export function endpointSliceMirroringController(client: ApiClient, informers: InformerSet, opts: MirroringControllerOptions = {}): ControllerSpec {
  const epInf = informers.informerFor<EndpointsObject>(EndpointsType);
  const svcInf = informers.informerFor<ServiceObject>(Services);
  const slices = new SliceWriter(client, informers, MIRRORING_CONTROLLER_NAME);

  const reconciler: Reconciler = {
    async reconcile(req) {
      const { namespace, key, svc } = serviceOfRequest(svcInf.lister, req);
      const ep = epInf.lister.get({ namespace, name: req.name });
      const current = slices.current(key, namespace);
      // Mirrored only while a selector-less Service of the same name exists.
      if (!ep || !shouldMirror(ep) || !svc || serviceSelector(svc)) {
        await slices.apply(key, namespace, { create: [], update: [], delete: current });
        return {};
      }
      const groups = mirroredGroups(ep);
      await slices.apply(key, namespace, planOwner(endpointsOwner(ep), [...groups.keys()], current, groups, MAX_MIRRORED_PER_SUBSET, false));
      return {};
    },
  };

  return {
    name: 'endpointslicemirroring-controller', reconciler,
    watches: [
      { informer: epInf, toRequests: enqueueForObject }, { informer: svcInf, toRequests: enqueueForObject }, slices.watch(),
    ] as unknown as Watch[],
    concurrency: 2, logger: opts.logger,
  };
}
