// Public surface of the StatefulSet controller: the factory the controller manager wires in,
// and the label and annotation names other parts (kubelet, DNS, tests) read off its pods.
export { statefulSetController, CONTROLLER_NAME, type StatefulSetControllerOptions } from './controller.js';
export { POD_NAME_LABEL, POD_INDEX_LABEL, REVISION_LABEL } from './identity.js';
export { HASH_LABEL } from './revision.js';
