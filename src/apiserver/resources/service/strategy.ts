// Service strategy. The registry allocates clusterIP (and nodePorts) between prepareForCreate
// and validate; it should set both clusterIP and clusterIPs. Validation checks their shape.
import type { Service, ServiceStatus } from 'kubernetes-types/core/v1.js';
import { Services, type KubeObject } from '../../../core/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';
import { defaultService, dropTypeDependentFields, initIPFamilies, normalizeClusterIPs, patchAllocatedValues } from './defaults.js';
import { validateService, validateServiceStatusUpdate, validateServiceUpdate } from './validation.js';

export type ServiceObject = Service & KubeObject;
type Writable = { status?: ServiceStatus };

export const serviceStrategy: Omit<ResourceStrategy<ServiceObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: Services,
  generation: false,
  defaults: (svc) => defaultService(svc),
  prepareForCreate(svc) {
    (svc as Writable).status = { loadBalancer: {} };
    const spec = (svc.spec ??= {});
    normalizeClusterIPs(spec);
    initIPFamilies(spec);
  },
  validate: (svc) => validateService(svc),
  prepareForUpdate(next, prev) {
    (next as Writable).status = prev.status;
    const spec = (next.spec ??= {});
    const old = prev.spec ?? {};
    normalizeClusterIPs(spec, old);
    dropTypeDependentFields(spec, old);
    patchAllocatedValues(spec, old);
    initIPFamilies(spec);
  },
  validateUpdate: (next, prev) => validateServiceUpdate(next, prev),
  prepareForStatusUpdate(next, prev) {
    next.spec = prev.spec;
  },
  validateStatusUpdate: (next, prev) => validateServiceStatusUpdate(next, prev),
};
