// Patch formats the API accepts. Strategic merge and server-side apply live beside these.
export { applyMergePatch } from './merge.js';
export { applyJsonPatch } from './json-patch.js';
