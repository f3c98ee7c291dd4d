// Node strategy: status is kept on create (the kubelet registers with it), allocatable
// defaults to capacity, taints and pod CIDRs are checked, podCIDR(s)/providerID are set once.
import type { Node, NodeStatus, Taint } from 'kubernetes-types/core/v1.js';
import { Nodes, type KubeObject } from '../../../core/index.js';
import { field, type FieldError } from '../../../core/index.js';
import {
  child, goStringSlice, index, isDualStack, isValidCIDR, isValidLabelValue, nameIsDNSSubdomain, normalizeResourceList,
  quantityAt, validateLabelName, validateObjectMeta, validateObjectMetaUpdate, validateResourceQuantityValue, validateTaintEffect,
  type ResourceList,
} from '../../../core/validation/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';

export type NodeObject = Node & KubeObject;
type Writable = { status?: NodeStatus };

function validateTaints(taints: Taint[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const p = index(path, i);
    errs.push(...validateLabelName(t.key ?? '', child(p, 'key')));
    const msgs = isValidLabelValue(t.value ?? '');
    if (msgs.length) errs.push(field.invalid(child(p, 'value'), t.value ?? '', msgs.join(';')));
    errs.push(...validateTaintEffect(t.effect, false, child(p, 'effect')));
    const k = `${t.effect}\u0000${t.key}`;
    if (seen.has(k)) errs.push({ ...field.duplicate(p, t), detail: 'taints must be unique by key and effect pair' });
    else seen.add(k);
  });
  return errs;
}

function validateNodeResources(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  for (const list of ['capacity', 'allocatable'] as const) {
    for (const [name, raw] of Object.entries((node.status?.[list] ?? {}) as ResourceList)) {
      const p = `status.${list}.${name}`;
      const q = quantityAt(raw, p, errs);
      if (q) errs.push(...validateResourceQuantityValue(name, q, p));
    }
  }
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, { namespaced: false, nameValidator: nameIsDNSSubdomain });
  // Upstream reports spec.taints under metadata.taints.
  errs.push(...validateTaints(node.spec?.taints, 'metadata.taints'));
  errs.push(...validateNodeResources(node));
  const cidrs = node.spec?.podCIDRs ?? [];
  cidrs.forEach((c, i) => errs.push(...isValidCIDR(index('spec.podCIDRs', i), c)));
  if (cidrs.length > 1) {
    const ips = cidrs.map((c) => c.split('/')[0]);
    if (!isDualStack(ips) || cidrs.length > 2) errs.push(field.invalid('spec.podCIDRs', goStringSlice(cidrs), 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => { if (seen.has(c)) errs.push(field.duplicate(index('spec.podCIDRs', i), c)); seen.add(c); });
  }
  return errs;
}

export function validateNodeUpdate(next: Node, prev: Node): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, prev.metadata);
  const seen = new Set<string>();
  (next.status?.addresses ?? []).forEach((a, i) => {
    const k = `${a.type}\u0000${a.address}`;
    if (seen.has(k)) errs.push(field.duplicate(index('status.addresses', i), a));
    seen.add(k);
  });
  const oldCidrs = prev.spec?.podCIDRs ?? [];
  const newCidrs = next.spec?.podCIDRs ?? [];
  const cidrMsg = 'node updates may not change podCIDR except from "" to valid';
  if (oldCidrs.length) {
    if (oldCidrs.length !== newCidrs.length) errs.push(field.forbidden('spec.podCIDRs', cidrMsg));
    else oldCidrs.forEach((c, i) => { if (c !== newCidrs[i]) errs.push(field.forbidden('spec.podCIDRs', cidrMsg)); });
  }
  if (prev.spec?.providerID && prev.spec.providerID !== next.spec?.providerID) {
    errs.push(field.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  if ((next.spec?.externalID ?? '') !== (prev.spec?.externalID ?? '')) errs.push(field.forbidden('spec.externalID', 'may not be updated'));
  return errs;
}

export const nodeStrategy: Omit<ResourceStrategy<NodeObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: Nodes,
  generation: false,
  defaults(node) {
    const spec = (node.spec ??= {});
    // v1 keeps podCIDR and podCIDRs in step.
    if (spec.podCIDR && !(spec.podCIDRs ?? []).length) spec.podCIDRs = [spec.podCIDR];
    if ((spec.podCIDRs ?? []).length) spec.podCIDR = spec.podCIDRs![0];
    const status = (node as Writable).status;
    if (status) {
      normalizeResourceList(status.capacity as ResourceList | undefined);
      normalizeResourceList(status.allocatable as ResourceList | undefined);
      if (!status.allocatable && status.capacity) status.allocatable = { ...status.capacity };
    }
  },
  prepareForCreate() {},
  validate: (node) => validateNode(node),
  prepareForUpdate(next, prev) {
    (next as Writable).status = prev.status;
  },
  validateUpdate: (next, prev) => [...validateNode(next), ...validateNodeUpdate(next, prev)],
  prepareForStatusUpdate(next, prev) {
    next.spec = prev.spec;
  },
  validateStatusUpdate: (next, prev) => [...validateNodeResources(next), ...validateNodeUpdate(next, prev)],
};
