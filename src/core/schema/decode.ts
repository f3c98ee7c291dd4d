// Request-body decoding with upstream's `fieldValidation` semantics:
//   wrong types and malformed JSON -> 400 BadRequest in every mode;
//   unknown and duplicate fields   -> Strict: 400, Warn: warnings, Ignore: silence;
//   unknown fields are always dropped from the decoded object, as Go's typed decoder does.
// Duplicates are found only when the text has more keys than the parsed value (one cheap scan).
import { ApiError, badRequest } from '../errors.js';
import type { KubeObject } from '../types.js';
import { compileDefinition } from './compile.js';
import type { KindDefinition } from './definitions.js';
import { countKeys, findDuplicates, jsonSyntaxError } from './json-scan.js';
import { DecodeFailure, DepthExceeded, Walk } from './walk.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface Decoded {
  readonly object: KubeObject;
  /** `unknown field "spec.x"` / `duplicate field "a"`: Warn mode only; sent as `Warning: 299` headers. */
  readonly warnings: string[];
}

/** Where repeated keys came from: the raw JSON text, or a YAML parse that already found them. */
export type DuplicateSource = { readonly text: string } | { readonly objects: ReadonlyMap<string, readonly string[]> };

const FIND_KIND_TYPE = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/**
 * Decodes a request body (JSON text, bytes, or an already-parsed value) as the given kind.
 * Throws ApiError 400 as upstream's API server would; never anything else.
 */
export function decodeObject(def: KindDefinition, body: unknown, mode: FieldValidation): Decoded {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
    return decodeParsed(def, parseJson(def, text), mode, { text });
  }
  return decodeParsed(def, body, mode);
}

/** Parses JSON text, turning a syntax error into upstream's 400 with the line and column. */
export function parseJson(def: Pick<KindDefinition, 'kind'>, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const err = jsonSyntaxError(text);
    const what = err ? `${err.message} at line ${err.line}, column ${err.column} (offset ${err.offset})` : (e as Error).message;
    throw unrecognized(def, `couldn't get version/kind; json parse error: ${what}`, text);
  }
}

/** Decodes a parsed value; `source` lets it report duplicate keys, which the value itself has lost. */
export function decodeParsed(def: KindDefinition, value: unknown, mode: FieldValidation, source?: DuplicateSource): Decoded {
  const body = checkTypeMeta(def, value ?? {}, source);
  const collect = mode !== 'Ignore';
  const text = source && 'text' in source ? source.text : undefined;
  // Without a source the value is the caller's object (in-process): nothing of it may be kept.
  let walk = new Walk(collect, undefined, !source);
  let object = run(def, walk, body, text);
  if (collect && source) {
    let dups: ReadonlyMap<string, readonly string[]> | undefined;
    if ('objects' in source) dups = source.objects;
    else if (countKeys(source.text) !== walk.keys) dups = findDuplicates(source.text).objects;
    if (dups?.size) {
      // Slow path, only when keys repeat: walk again in text order so the messages interleave as upstream's do.
      walk = new Walk(true, dups);
      object = run(def, walk, body, text);
    }
  }
  if (walk.strict.length && mode === 'Strict') {
    throw badRequest(`${prefix(def)}strict decoding error: ${walk.strict.join(', ')}`);
  }
  return { object, warnings: mode === 'Warn' ? walk.strict : [] };
}

/** `duplicate field "spec.paused"` for each repeated key of a JSON text (patch bodies), in text order. */
export function duplicateFieldErrors(text: string): string[] {
  return [...new Set(findDuplicates(text).repeats)].map((p) => `duplicate field "${p}"`);
}

const prefix = (def: KindDefinition): string => `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: `;

function run(def: KindDefinition, walk: Walk, body: Record<string, unknown>, text: string | undefined): KubeObject {
  try {
    return walk.value(compileDefinition(def.name), body) as KubeObject;
  } catch (e) {
    if (e instanceof DecodeFailure) {
      throw new ApiError(400, 'BadRequest', prefix(def) + e.message, e.field ? { causes: [{ field: e.field, message: e.message }] } : {});
    }
    // Upstream's scanner rejects such nesting before anything else is read.
    if (e instanceof DepthExceeded || e instanceof RangeError) {
      throw unrecognized(def, "couldn't get version/kind; json parse error: exceeded max depth", text ?? '{');
    }
    throw e;
  }
}

/** Upstream first reads apiVersion/kind alone; a body that is not an object fails there. */
function checkTypeMeta(def: KindDefinition, value: unknown, source?: DuplicateSource): Record<string, unknown> {
  const text = source && 'text' in source ? source.text : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'array' : typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'bool' : 'string';
    throw unrecognized(def, `couldn't get version/kind; json parse error: json: cannot unmarshal ${what} into Go value of type ${FIND_KIND_TYPE}`, text ?? JSON.stringify(value));
  }
  const obj = value as Record<string, unknown>;
  for (const f of ['apiVersion', 'kind']) {
    const v = obj[f];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      const what = Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : 'number';
      throw unrecognized(def, `couldn't get version/kind; json parse error: json: cannot unmarshal ${what} into Go struct field .${f} of type string`, text ?? JSON.stringify(value));
    }
  }
  return obj;
}

/** upstream's transformDecodeError when the body's kind could not be read. */
function unrecognized(def: Pick<KindDefinition, 'kind'>, why: string, text: string): ApiError {
  return badRequest(`the object provided is unrecognized (must be of type ${def.kind}): ${why} (${summarize(text)})`);
}

/** upstream's summarizeData: the first 30 bytes, as text for JSON objects, else in hex. */
function summarize(text: string): string {
  if (text.length === 0) return '<empty>';
  const bytes = new TextEncoder().encode(text);
  const head = bytes.subarray(0, 30);
  const more = bytes.length > 30 ? ' ...' : '';
  if (text[0] === '{') return new TextDecoder().decode(head) + more;
  return Array.from(head, (b) => b.toString(16).padStart(2, '0')).join('') + more;
}
