// The EndpointSlice reconciler (staging k8s.io/endpointslice reconciler.go), as a pure plan:
// given a service, its pods and its current managed slices, which slices to create, update and
// delete. Endpoints are grouped by their resolved port set; each group fills slices of at most
// `maxEndpointsPerSlice`, touching as few slices as it can (new endpoints go first into slices
// that change anyway, then into the unchanged slice that fits them most closely).
import { isDeepStrictEqual } from 'node:util';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../core/index.js';
import {
  findPort, HEADLESS_LABEL, isHeadless, isPodReady, podIPsOf, podRef, shouldPodBeInEndpoints, shouldSetHostname,
  TOPOLOGY_ZONE_LABEL, type PodObject, type ServiceObject,
} from './pods.js';

export type EndpointSliceObject = EndpointSlice & KubeObject;
export type NodeObject = Node & KubeObject;
export type AddressType = 'IPv4' | 'IPv6';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** Upstream's --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

export interface SlicePlan {
  readonly create: EndpointSliceObject[];
  readonly update: EndpointSliceObject[];
  readonly delete: EndpointSliceObject[];
  /** Pods skipped because their node is not (yet) known: the service is synced again later. */
  readonly missingNodes: string[];
}

/** getAddressTypesForService: the service's IP families (IPv4 when it names none). */
export function addressTypesOf(svc: ServiceObject): AddressType[] {
  const fams = (svc.spec?.ipFamilies ?? []).filter((f): f is AddressType => f === 'IPv4' || f === 'IPv6');
  return fams.length ? fams : ['IPv4'];
}

const RESERVED = new Set([LABEL_SERVICE_NAME, LABEL_MANAGED_BY, HEADLESS_LABEL]);

/** setEndpointSliceLabels: the service's labels (reserved keys skipped), headless, service name, manager. */
export function sliceLabels(svc: ServiceObject, controllerName: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) if (!RESERVED.has(k)) out[k] = v;
  if (isHeadless(svc)) out[HEADLESS_LABEL] = '';
  out[LABEL_SERVICE_NAME] = svc.metadata?.name ?? '';
  out[LABEL_MANAGED_BY] = controllerName;
  return out;
}

/** getEndpointPorts: the service's ports resolved against this pod (named targetPorts it lacks are left out). */
export function endpointPorts(svc: ServiceObject, pod: PodObject): EndpointPort[] {
  const out: EndpointPort[] = [];
  const ports = svc.spec?.ports ?? [];
  for (const sp of ports) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

/** podToEndpoint: conditions as upstream computes them (publishNotReadyAddresses makes ready true). */
export function podToEndpoint(pod: PodObject, node: NodeObject | undefined, svc: ServiceObject, addressType: AddressType): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  // A terminating pod is never ready unless the service publishes not-ready addresses.
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const zone = node?.metadata?.labels?.[TOPOLOGY_ZONE_LABEL];
  return {
    addresses: podIPsOf(pod, addressType),
    conditions: { ready, serving, terminating },
    ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec!.hostname } : {}),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: podRef(pod),
    ...(zone ? { zone } : {}),
  };
}

/** Endpoint identity (hashEndpoint): addresses, hostname and the pod it stands for. */
export const endpointKey = (e: Endpoint): string =>
  JSON.stringify([[...(e.addresses ?? [])].sort(), e.hostname ?? '', e.targetRef?.namespace ?? '', e.targetRef?.name ?? '']);
/** PortMapKey: the port set, order-insensitive. */
export const portMapKey = (ports: readonly EndpointPort[] | undefined): string =>
  JSON.stringify((ports ?? []).map((p) => [p.name ?? '', p.port ?? null, p.protocol ?? '', p.appProtocol ?? '']).sort());

/** ownedBy: the slice's owner references include this service (by uid). */
export const ownedBy = (slice: EndpointSliceObject, svc: ServiceObject): boolean =>
  (slice.metadata?.ownerReferences ?? []).some((r) => r.kind === 'Service' && r.apiVersion === 'v1' && r.uid === svc.metadata?.uid);

/** Who a set of slices belongs to: the Service (this controller) or the Endpoints (mirroring). */
export interface SliceOwner {
  /** Labels every slice carries; annotations too when the owner dictates them. */
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  owns(slice: EndpointSliceObject): boolean;
  newSlice(ports: EndpointPort[], addressType: AddressType): EndpointSliceObject;
}

/** Desired endpoints of one port set, keyed by endpoint identity. */
export interface DesiredGroup { readonly ports: EndpointPort[]; readonly endpoints: Map<string, Endpoint> }

function serviceOwner(svc: ServiceObject, controllerName: string): SliceOwner {
  const name = svc.metadata?.name ?? '';
  const labels = sliceLabels(svc, controllerName);
  return {
    labels,
    owns: (slice) => ownedBy(slice, svc),
    newSlice: (ports, addressType) => ({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: {
        generateName: slicePrefix(name), namespace: svc.metadata?.namespace, labels: { ...labels },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      addressType, endpoints: [], ports,
    }),
  };
}

/** getEndpointSlicePrefix: `<name>-`, so the API server's 5 random characters read well (the dash only if it fits). */
export const slicePrefix = (name: string): string => (name.length < 253 ? `${name}-` : name);

const isPlaceholder = (s: EndpointSliceObject) => !(s.endpoints ?? []).length && !(s.ports ?? []).length;

interface Changes { create: EndpointSliceObject[]; update: EndpointSliceObject[]; delete: EndpointSliceObject[] }

/** reconcileByPortMapping: the creates, updates and deletes for one port set. */
function planPortGroup(owner: SliceOwner, existing: readonly EndpointSliceObject[], group: DesiredGroup, addressType: AddressType,
  max: number): Changes {
  const desired = group.endpoints;
  const byName = new Map<string, EndpointSliceObject>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();
  const withMeta = (slice: EndpointSliceObject, endpoints: Endpoint[]): EndpointSliceObject => ({
    ...structuredClone(slice), endpoints,
    metadata: { ...structuredClone(slice.metadata), labels: owner.labels, ...(owner.annotations ? { annotations: owner.annotations } : {}) },
  });

  // 1. Keep the still-desired endpoints of each slice (in their order), drop the rest.
  for (const slice of existing) {
    const name = slice.metadata!.name!;
    byName.set(name, slice);
    const kept: Endpoint[] = [];
    let changed = false;
    for (const ep of slice.endpoints ?? []) {
      const k = endpointKey(ep);
      const want = desired.get(k);
      if (!want) continue;
      kept.push(want);
      if (!isDeepStrictEqual(want, ep)) changed = true;
      desired.delete(k);
    }
    const metaChanged = !isDeepStrictEqual(slice.metadata?.labels ?? {}, owner.labels)
      || (!!owner.annotations && !isDeepStrictEqual(slice.metadata?.annotations ?? {}, owner.annotations));
    if (changed || kept.length !== (slice.endpoints ?? []).length) {
      if (!kept.length) toDelete.add(name);
      else {
        byName.set(name, withMeta(slice, kept));
        toUpdate.add(name);
      }
    } else if (metaChanged) {
      byName.set(name, withMeta(slice, [...(slice.endpoints ?? [])]));
      toUpdate.add(name);
    } else unchanged.add(name);
  }

  const remaining = [...desired.values()];
  let next = 0;
  const left = () => remaining.length - next;
  // 2. Slices changing anyway take new endpoints first, fullest first.
  if (left() && toUpdate.size) {
    const slices = [...toUpdate].map((n) => byName.get(n)!).sort((a, b) => b.endpoints.length - a.endpoints.length);
    for (const s of slices) while (left() && s.endpoints.length < max) s.endpoints.push(remaining[next++]!);
  }
  // 3. The rest go into the unchanged slice they fit most closely, or into new slices.
  const create: EndpointSliceObject[] = [];
  while (left()) {
    let fill: EndpointSliceObject | undefined;
    if (left() < max && unchanged.size) {
      let closest = max;
      for (const n of unchanged) {
        const s = byName.get(n)!;
        const diff = max - (left() + s.endpoints.length);
        if (diff >= 0 && diff < closest) { closest = diff; fill = s; }
      }
    }
    if (fill) {
      fill = structuredClone(fill);
      byName.set(fill.metadata!.name!, fill);
    } else fill = owner.newSlice(group.ports, addressType);
    while (left() && fill.endpoints.length < max) fill.endpoints.push(remaining[next++]!);
    if (fill.metadata?.name) {
      toUpdate.add(fill.metadata.name);
      unchanged.delete(fill.metadata.name);
    } else create.push(fill);
  }
  return { create, update: [...toUpdate].map((n) => byName.get(n)!), delete: [...toDelete].map((n) => byName.get(n)!) };
}

/**
 * The plan for one owner across its address types: port sets no longer desired lose their
 * slices; with `placeholder`, an address type without endpoints keeps one empty slice;
 * creates and deletes of the same type pair up into updates.
 */
export function planOwner(owner: SliceOwner, addressTypes: readonly AddressType[], existing: readonly EndpointSliceObject[],
  desired: ReadonlyMap<AddressType, ReadonlyMap<string, DesiredGroup>>, max: number, placeholder: boolean): Changes {
  const plan: Changes = { create: [], update: [], delete: [] };
  // Slices of an address type the owner no longer has go.
  for (const s of existing) if (!(addressTypes as readonly string[]).includes(s.addressType)) plan.delete.push(s);
  for (const addressType of addressTypes) {
    const ofType = existing.filter((s) => s.addressType === addressType);
    const mine: EndpointSliceObject[] = [];
    const { create, update, delete: del }: Changes = { create: [], update: [], delete: [] };
    // Slices owned by an earlier object of the same name are replaced, not reused.
    for (const s of ofType) (owner.owns(s) ? mine : del).push(s);
    const bySet = new Map<string, EndpointSliceObject[]>();
    for (const s of mine) {
      const k = portMapKey(s.ports);
      bySet.set(k, [...(bySet.get(k) ?? []), s]);
    }
    const groups = desired.get(addressType) ?? new Map<string, DesiredGroup>();
    for (const [key, g] of groups) {
      const r = planPortGroup(owner, bySet.get(key) ?? [], g, addressType, max);
      create.push(...r.create); update.push(...r.update); del.push(...r.delete);
    }
    for (const [key, slices] of bySet) if (!groups.has(key)) del.push(...slices);

    if (placeholder && ofType.length === del.length && create.length === 0) {
      const ph = owner.newSlice([], addressType);
      const only = del.length === 1 ? del[0]! : undefined;
      if (only && isPlaceholder(only) && owner.owns(only) && isDeepStrictEqual(only.metadata?.labels ?? {}, ph.metadata!.labels)) del.length = 0;
      else create.push(ph);
    }

    // finalize: a create and a delete of the same type become one update of the owned slice.
    for (let i = 0; i < del.length && create.length;) {
      const gone = del[i]!;
      if (gone.addressType === addressType && owner.owns(gone)) {
        const slice = create.pop()!;
        const { generateName: _g, ...meta } = slice.metadata!;
        update.push({ ...slice, metadata: { ...gone.metadata, ...meta, name: gone.metadata!.name } });
        del.splice(i, 1);
      } else i++;
    }
    plan.create.push(...create); plan.update.push(...update); plan.delete.push(...del);
  }
  return plan;
}

/**
 * Reconcile: the plan for one service. `existing` are its slices managed by `controllerName`
 * (not being deleted); pods are the ones its selector picks; `nodeOf` looks up the pod's node.
 */
export function planSlices(svc: ServiceObject, pods: readonly PodObject[], existing: readonly EndpointSliceObject[],
  nodeOf: (name: string) => NodeObject | undefined, opts: { controllerName?: string; maxEndpointsPerSlice?: number } = {}): SlicePlan {
  const controllerName = opts.controllerName ?? SLICE_CONTROLLER_NAME;
  const types = addressTypesOf(svc);
  const missingNodes: string[] = [];
  const desired = new Map<AddressType, Map<string, DesiredGroup>>();
  for (const addressType of types) {
    const groups = new Map<string, DesiredGroup>();
    desired.set(addressType, groups);
    for (const pod of pods) {
      // Terminating pods stay, with terminating=true (and serving while still ready).
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const ports = endpointPorts(svc, pod);
      const key = portMapKey(ports);
      let g = groups.get(key);
      if (!g) groups.set(key, g = { ports, endpoints: new Map() });
      const nodeName = pod.spec?.nodeName ?? '';
      const node = nodeOf(nodeName);
      if (!node && !svc.spec?.publishNotReadyAddresses) {
        // Left out for now rather than keeping the whole service stuck on one unknown node.
        if (addressType === types[0]) missingNodes.push(nodeName);
        continue;
      }
      const ep = podToEndpoint(pod, node, svc, addressType);
      if (ep.addresses.length) g.endpoints.set(endpointKey(ep), ep);
    }
  }
  const plan = planOwner(serviceOwner(svc, controllerName), types, existing, desired, opts.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE, true);
  return { ...plan, missingNodes };
}
