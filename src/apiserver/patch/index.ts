// Patch formats the API accepts (JSON patch, JSON merge patch, strategic merge patch) and
// server-side apply with managedFields. Pure functions over JSON values and the kinds'
// schemas; the request handling around them lives in handlers/patch.ts.
export { applyMergePatch } from './merge.js';
export { applyJsonPatch } from './json-patch.js';
export { applyStrategicMergePatch } from './strategic.js';
export { kindNode, namedNode, type StructNode, type TypeNode } from './schema-model.js';
export { recordApply, recordUpdate, conflictError, type FieldManagerScope } from './field-manager.js';
export { jsonEqual } from './typed-compare.js';
export { goValue } from './go-format.js';
export { LAST_APPLIED_ANNOTATION } from './last-applied.js';
export { cached } from './cache.js';
