// EndpointSlice strategy (pkg/registry/discovery/endpointslice + pkg/apis/discovery/validation).
import type { Endpoint, EndpointHints, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { EndpointSlices, field, type FieldError, type KubeObject } from '../../../core/index.js';
import {
  PORT_PROTOCOLS, child, index, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, jsonEqual,
  nameIsDNSSubdomain, parseIP, validateImmutable, validateLabels, validateNonSpecialIP, validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../../core/validation/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';

export type EndpointSliceObject = EndpointSlice & KubeObject;

export const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'] as const;
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 100;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_ZONE_HINTS = 8;

/** validation.IsValidIPv4Address / IsValidIPv6Address. */
function validateFamily(path: string, value: string, family: 4 | 6): FieldError[] {
  return parseIP(value)?.family === family ? [] : [field.invalid(path, value, `must be a valid IPv${family} address`)];
}

/** validation.IsFullyQualifiedDomainName: a trailing dot is allowed, at least two labels. */
export function validateFQDN(path: string, value: string): FieldError[] {
  if (value === '') return [field.required(path, '')];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const sub = isDNS1123Subdomain(name);
  if (sub.length) return [field.invalid(path, name, sub.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) return [field.invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const l of labels) {
    const errs = isDNS1123Label(l);
    if (errs.length) return [field.invalid(path, l, errs.join(','))];
  }
  return [];
}

function validateAddress(addressType: string, path: string, address: string): FieldError[] {
  // Unknown address types are reported once, on addressType; their addresses go unchecked.
  switch (addressType) {
    case 'IPv4': return [...validateFamily(path, address, 4), ...validateNonSpecialIP(address, path)];
    case 'IPv6': return [...validateFamily(path, address, 6), ...validateNonSpecialIP(address, path)];
    case 'FQDN': return validateFQDN(path, address);
    default: return [];
  }
}

function validateHints(hints: EndpointHints, path: string): FieldError[] {
  const p = child(path, 'forZones');
  const zones = hints.forZones ?? [];
  if (zones.length > MAX_ZONE_HINTS) return [field.tooMany(p, zones.length, MAX_ZONE_HINTS)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  zones.forEach((z, i) => {
    const zp = child(index(p, i), 'name');
    if (seen.has(z.name)) errs.push(field.duplicate(zp, z.name)); else seen.add(z.name);
    errs.push(...isValidLabelValue(z.name).map((m) => field.invalid(zp, z.name, m)));
  });
  return errs;
}

function validateEndpoint(ep: Endpoint, addressType: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ap = child(path, 'addresses');
  const addresses = ep.addresses ?? [];
  if (addresses.length === 0) errs.push(field.required(ap, 'must contain at least 1 address'));
  else if (addresses.length > MAX_ADDRESSES) errs.push(field.tooMany(ap, addresses.length, MAX_ADDRESSES));
  addresses.forEach((a, i) => errs.push(...validateAddress(addressType, index(ap, i), a)));
  if (ep.nodeName != null) {
    errs.push(...nameIsDNSSubdomain(ep.nodeName, false).map((m) => field.invalid(child(path, 'nodeName'), ep.nodeName, m)));
  }
  const tp = child(path, 'deprecatedTopology');
  const topology = ep.deprecatedTopology ?? {};
  if (Object.keys(topology).length > MAX_TOPOLOGY_LABELS) errs.push(field.tooMany(tp, Object.keys(topology).length, MAX_TOPOLOGY_LABELS));
  errs.push(...validateLabels(topology, tp));
  if (ep.hostname != null) errs.push(...isDNS1123Label(ep.hostname).map((m) => field.invalid(child(path, 'hostname'), ep.hostname, m)));
  if (ep.hints != null) errs.push(...validateHints(ep.hints, child(path, 'hints')));
  return errs;
}

function validatePorts(ports: readonly EndpointPort[], path: string): FieldError[] {
  if (ports.length > MAX_PORTS) return [field.tooMany(path, ports.length, MAX_PORTS)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const ip = index(path, i);
    const name = p.name ?? '';
    if (name) errs.push(...isDNS1123Label(name).map((m) => field.invalid(child(ip, 'name'), name, m)));
    if (names.has(name)) errs.push(field.duplicate(child(ip, 'name'), name)); else names.add(name);
    if (p.protocol == null) errs.push(field.required(child(ip, 'protocol'), ''));
    else if (!PORT_PROTOCOLS.includes(p.protocol)) errs.push(field.notSupported(child(ip, 'protocol'), p.protocol, PORT_PROTOCOLS));
    if (p.appProtocol != null) {
      errs.push(...isQualifiedName(p.appProtocol).map((m) => field.invalid(child(ip, 'appProtocol'), p.appProtocol, m)));
    }
  });
  return errs;
}

export function validateEndpointSlice(s: EndpointSliceObject, prev?: EndpointSliceObject): FieldError[] {
  const errs = validateObjectMeta(s.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  if (!s.addressType) errs.push(field.required('addressType', ''));
  else if (!(ADDRESS_TYPES as readonly string[]).includes(s.addressType)) errs.push(field.notSupported('addressType', s.addressType, ADDRESS_TYPES));
  errs.push(...validatePorts(s.ports ?? [], 'ports'));
  // Unchanged endpoints are not re-validated: they may predate stricter address rules.
  if (!prev || !jsonEqual(prev.endpoints ?? [], s.endpoints ?? [])) {
    const endpoints = s.endpoints ?? [];
    if (endpoints.length > MAX_ENDPOINTS) errs.push(field.tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
    else endpoints.forEach((ep, i) => errs.push(...validateEndpoint(ep, s.addressType, index('endpoints', i))));
  }
  return errs;
}

/** dropTopologyOnV1: deprecatedTopology is read-only through v1 unless the endpoints are unchanged. */
function dropTopology(next: EndpointSliceObject, prev?: EndpointSliceObject): void {
  if (prev && jsonEqual(prev.endpoints ?? [], next.endpoints ?? [])) return;
  for (const ep of next.endpoints ?? []) delete ep.deprecatedTopology;
}

export const endpointSliceStrategy: Omit<ResourceStrategy<EndpointSliceObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: EndpointSlices,
  // Any change outside metadata bumps the generation (there is no status).
  generation: true,
  defaults(s) {
    for (const p of s.ports ?? []) {
      p.name ??= '';
      p.protocol ??= 'TCP';
    }
  },
  prepareForCreate(s) { dropTopology(s); },
  validate: (s) => validateEndpointSlice(s),
  prepareForUpdate(next, prev) {
    dropTopology(next, prev);
    // Upstream also bumps the generation when only the labels change (they select the service).
    if (!jsonEqual(next.metadata?.labels ?? {}, prev.metadata?.labels ?? {})) {
      next.metadata = { ...next.metadata, generation: (prev.metadata?.generation ?? 0) + 1 };
    }
  },
  validateUpdate: (next, prev) => [
    ...validateObjectMetaUpdate(next.metadata, prev.metadata), ...validateEndpointSlice(next, prev),
    ...validateImmutable(next.addressType, prev.addressType, 'addressType'),
  ],
  // No status subresource: a status write can only touch metadata.
  prepareForStatusUpdate(next, prev) {
    for (const k of Object.keys(next)) if (k !== 'metadata') delete next[k];
    Object.assign(next, { ...prev, metadata: next.metadata });
  },
  validateStatusUpdate: (next, prev) => validateObjectMetaUpdate(next.metadata, prev.metadata),
};
