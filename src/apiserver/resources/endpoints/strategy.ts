// Endpoints strategy: ports default to TCP; addresses must be real, non-special IPs.
import type { EndpointAddress, EndpointPort, Endpoints } from 'kubernetes-types/core/v1.js';
import { Endpoints as EndpointsType, type KubeObject } from '../../../core/index.js';
import { field, type FieldError } from '../../../core/index.js';
import {
  PORT_PROTOCOLS, child, index, isDNS1123Label, isQualifiedName, isValidIP, isValidPortNum, nameIsDNSSubdomain,
  validateNonSpecialIP, validateObjectMeta, validateObjectMetaUpdate,
} from '../../../core/validation/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';

export type EndpointsObject = Endpoints & KubeObject;

function validateAddress(a: EndpointAddress, path: string): FieldError[] {
  const errs = isValidIP(child(path, 'ip'), a.ip ?? '');
  if (a.hostname) errs.push(...isDNS1123Label(a.hostname).map((m) => field.invalid(child(path, 'hostname'), a.hostname, m)));
  if (a.nodeName != null) errs.push(...nameIsDNSSubdomain(a.nodeName, false).map((m) => field.invalid(child(path, 'nodeName'), a.nodeName, m)));
  return [...errs, ...validateNonSpecialIP(a.ip ?? '', child(path, 'ip'))];
}

function validatePort(p: EndpointPort, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(field.required(child(path, 'name'), ''));
  else if (p.name) errs.push(...isDNS1123Label(p.name).map((m) => field.invalid(child(path, 'name'), p.name, m)));
  errs.push(...isValidPortNum(p.port).map((m) => field.invalid(child(path, 'port'), p.port, m)));
  if (!p.protocol) errs.push(field.required(child(path, 'protocol'), ''));
  else if (!PORT_PROTOCOLS.includes(p.protocol)) errs.push(field.notSupported(child(path, 'protocol'), p.protocol, PORT_PROTOCOLS));
  if (p.appProtocol != null) errs.push(...isQualifiedName(p.appProtocol).map((m) => field.invalid(child(path, 'appProtocol'), p.appProtocol, m)));
  return errs;
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = index('subsets', i);
    if (!(ss.addresses ?? []).length && !(ss.notReadyAddresses ?? []).length) {
      errs.push(field.required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    (ss.addresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, index(child(p, 'addresses'), j))));
    (ss.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, index(child(p, 'notReadyAddresses'), j))));
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => errs.push(...validatePort(port, ports.length > 1, index(child(p, 'ports'), j))));
  });
  return errs;
}

export const endpointsStrategy: Omit<ResourceStrategy<EndpointsObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: EndpointsType,
  generation: false,
  defaults(ep) {
    for (const ss of ep.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ||= 'TCP';
  },
  prepareForCreate() {},
  validate: (ep) => validateEndpoints(ep),
  prepareForUpdate() {},
  validateUpdate: (next, prev) => [...validateObjectMetaUpdate(next.metadata, prev.metadata), ...validateEndpoints(next)],
  // No status subresource: a status write can only touch metadata.
  prepareForStatusUpdate(next, prev) {
    for (const k of Object.keys(next)) if (k !== 'metadata') delete next[k];
    Object.assign(next, { ...prev, metadata: next.metadata });
  },
  validateStatusUpdate: (next, prev) => validateObjectMetaUpdate(next.metadata, prev.metadata),
};
