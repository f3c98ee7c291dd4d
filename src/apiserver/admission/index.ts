// The admission chain, in upstream's order.
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { pvcResize } from './pvc-resize.js';
import { serviceIpAllocator, type ServiceRanges } from './service-ips.js';
import { defaultStorageClass, storageObjectInUseProtection } from './storage.js';
import type { AdmissionPlugin } from './types.js';

export type { AdmissionPlugin, AdmissionAttributes, AdmissionReader, Operation } from './types.js';
export { pickDefaultClass } from './storage.js';
export { DEFAULT_SERVICE_RANGES, type ServiceRanges } from './service-ips.js';

export function defaultAdmission(opts: { serviceRanges?: ServiceRanges; extra?: readonly AdmissionPlugin[] } = {}): AdmissionPlugin[] {
  return [
    namespaceLifecycle,
    serviceIpAllocator(opts.serviceRanges),
    defaultStorageClass,
    storageObjectInUseProtection,
    pvcResize,
    ...(opts.extra ?? []),
  ];
}
