// Schemas of the served kinds (generated from kubernetes-types) and the body decoder.
export {
  DEFINITIONS, REF_PREFIX, allKindDefinitions, kindDefinition, kindDefinitionFor, refName,
  type GroupVersionKind, type KindDefinition, type Schema,
} from './definitions.js';
export {
  decodeObject, decodeParsed, duplicateFieldErrors, parseJson,
  type Decoded, type DuplicateSource, type FieldValidation,
} from './decode.js';
export { decodeYaml, decodeYamlObject, parseYamlDocuments, type YamlDocument } from './yaml.js';
export { exceedsMaxDepth, MAX_DEPTH } from './walk.js';
export { jsonCopy } from './copy.js';
