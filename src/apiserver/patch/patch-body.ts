// Patch request bodies: parsed once, with what fieldValidation=Strict|Warn reports about the
// text itself (repeated keys; for JSON patches, operations with unknown members), as upstream's
// strict unmarshalling of the patch does. Bodies arrive as text over HTTP and as values from
// the in-process transport; values have no duplicates to report.
import { badRequest, decodeYaml, duplicateFieldErrors, exceedsMaxDepth, jsonCopy } from '../../core/index.js';

export type PatchKind = 'json' | 'merge' | 'strategic' | 'apply';

export interface PatchBody {
  readonly value: unknown;
  /** `duplicate field "spec.replicas"`, ... in text order. */
  readonly strict: readonly string[];
}

const MAX_JSON_PATCH_OPERATIONS = 10_000;
const JSON_PATCH_MEMBERS = new Set(['op', 'path', 'from', 'value']);

export function parsePatchBody(kind: PatchKind, body: unknown, collectStrict: boolean): PatchBody {
  const parsed = parseByKind(kind, body, collectStrict);
  // Patching and field tracking recurse over the patch: bound it before they start, as the
  // body decoder bounds objects (a deeper patch would overflow the stack: a 500, or worse).
  if (exceedsMaxDepth(parsed.value)) {
    throw badRequest(`${kind === 'strategic' ? '' : kind === 'apply' ? 'error decoding YAML: ' : 'error decoding patch: '}exceeded max depth`);
  }
  // An in-process caller's value is copied: patched objects take parts of the patch as they
  // are, and the stored object they become is frozen and shared; the caller's must not be.
  if (parsed.value === body && typeof body === 'object' && body !== null) return { ...parsed, value: jsonCopy(body) };
  return parsed;
}

function parseByKind(kind: PatchKind, body: unknown, collectStrict: boolean): PatchBody {
  if (kind === 'apply') return parseApplyBody(body, collectStrict);
  let value = body;
  let strict: string[] = [];
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
    try {
      value = JSON.parse(text);
    } catch (e) {
      const why = (e as Error).message;
      throw badRequest(kind === 'strategic' ? why : `error decoding patch: ${why}`);
    }
    if (collectStrict) strict = duplicateFieldErrors(text);
  }
  if (kind === 'json') {
    if (Array.isArray(value) && value.length > MAX_JSON_PATCH_OPERATIONS) {
      throw badRequest(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${value.length}`);
    }
    if (collectStrict && Array.isArray(value)) {
      value.forEach((op, i) => {
        if (op && typeof op === 'object') {
          for (const k of Object.keys(op)) if (!JSON_PATCH_MEMBERS.has(k)) strict.push(`unknown field "[${i}].${k}"`);
        }
      });
    }
    strict = strict.map((e) => `json patch ${e}`);
  }
  return { value, strict };
}

/** Apply bodies are YAML (JSON being YAML too); the configuration must be an object. */
function parseApplyBody(body: unknown, collectStrict: boolean): PatchBody {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return { value: body, strict: [] };
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const doc = decodeYaml(text);
  return { value: doc.value, strict: collectStrict ? doc.duplicateErrors : [] };
}

/** The configuration of an apply: an object, as upstream's unmarshalling into a map requires. */
export function applyConfiguration(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'bool' : 'string';
    throw badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  return value as Record<string, unknown>;
}
