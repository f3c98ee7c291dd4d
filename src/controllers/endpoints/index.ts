// Public surface of the endpoint controllers: Endpoints, EndpointSlices, the mirroring of user
// Endpoints of selector-less Services into slices, and the label names consumers of
// EndpointSlices (DNS, the service proxy) select on.
export { endpointsController, ENDPOINTS_CONTROLLER_NAME, ENDPOINTS_MANAGED_BY_LABEL, type EndpointsControllerOptions } from './endpoints-controller.js';
export { endpointSliceController, type EndpointSliceControllerOptions } from './slice-controller.js';
export { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, MAX_ENDPOINTS_PER_SLICE, SLICE_CONTROLLER_NAME } from './slice-reconciler.js';
export { HEADLESS_LABEL, LAST_CHANGE_TRIGGER_TIME } from './pods.js';
export { endpointSliceMirroringController, MIRRORING_CONTROLLER_NAME, SKIP_MIRROR_LABEL, type MirroringControllerOptions } from './mirroring-controller.js';
