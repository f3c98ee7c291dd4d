// Public surface of core/validation: upstream-exact validators and their building blocks.
export * from './messages.js';
export * from './names.js';
export * from './path.js';
export * from './govalue.js';
export * from './ip.js';
export {
  validateObjectMeta, validateObjectMetaUpdate, validateLabels, validateAnnotations, validateLabelName,
  validateOwnerReferences, validateFinalizers, validateKubeFinalizerName, validateTemplateObjectMeta,
  validateNonnegative, validateImmutable, jsonEqual, semanticEqual, isZeroValue, TOTAL_ANNOTATION_SIZE_LIMIT,
  type ObjectMetaOptions,
} from './meta.js';
export * from './selector.js';
export * from './resources.js';
export * from './pvc-spec.js';
export * from './volume-sources.js';
export { validatePodSpec, validatePodTemplateSpec, validatePodSpecificAnnotations } from './pod/pod-spec.js';
export { validatePortNumOrName } from './pod/probes.js';
export { PORT_PROTOCOLS, validatePullPolicy } from './pod/containers-common.js';
export {
  validateNodeSelector, validateNodeSelectorTerm, validateTopologySelectorTerm, validateTolerations, validateTaintEffect,
} from './pod/scheduling.js';
export type { PodValidationOptions } from './pod/options.js';
export { specDiff } from './diff.js';
export { fieldErrorText } from './error-text.js';
