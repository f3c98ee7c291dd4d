// YAML bodies (application/apply-patch+yaml, application/yaml) and CLI manifests. YAML 1.1
// scalars, as upstream's go-yaml v2 reads them (`0644` is octal, `yes` is true), but no
// timestamps or sexagesimal numbers: those stay strings, as they do on the way to JSON upstream.
// Repeated keys are found on the syntax tree and reported like JSON's duplicate fields.
import {
  isMap, isScalar, isSeq, parseAllDocuments, type Document, type DocumentOptions, type Node as YamlNode,
  type ParseOptions, type SchemaOptions, type Tags,
} from 'yaml';
import { badRequest } from '../errors.js';
import { decodeParsed, type Decoded, type FieldValidation } from './decode.js';
import { MAX_DEPTH } from './walk.js';
import type { KindDefinition } from './definitions.js';

export interface YamlDocument {
  readonly value: unknown;
  /** Objects that repeat a key: path -> keys in text order (see json-scan's findDuplicates). */
  readonly duplicates: ReadonlyMap<string, readonly string[]>;
  /** `duplicate field "metadata.name"` per repeated key, in text order. */
  readonly duplicateErrors: readonly string[];
}

const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  uniqueKeys: false,
  merge: true,
  customTags: (tags: Tags) => tags.filter((t) => {
    const { tag, format } = t as { tag?: string; format?: string };
    return format !== 'TIME' && tag !== 'tag:yaml.org,2002:timestamp';
  }),
};

/** Parses every document of a YAML stream (empty documents skipped); 400 on a syntax error. */
export function parseYamlDocuments(text: string): YamlDocument[] {
  // The parser recurses once per flow level ("[[[[..."): past a few hundred it runs the stack
  // dry, so such nesting is refused before parsing, at the limit objects have anyway.
  if (flowDepthExceeds(text, MAX_DEPTH)) throw yamlError('exceeded max depth');
  const out: YamlDocument[] = [];
  for (const doc of parseAllDocuments(text, OPTIONS)) {
    const err = doc.errors[0];
    if (err) throw yamlError(err.message, err.linePos?.[0]?.line);
    if (doc.contents === null) continue;
    out.push(toDocument(doc));
  }
  return out;
}

/** Parses a single YAML document (a request body); an empty body is `{}`. */
export function decodeYaml(text: string): YamlDocument {
  const docs = parseYamlDocuments(text);
  if (docs.length > 1) throw badRequest('error converting YAML to JSON: yaml: expected a single document in the stream');
  return docs[0] ?? { value: {}, duplicates: new Map(), duplicateErrors: [] };
}

/** decodeObject for a YAML body: the same checks, messages and modes. */
export function decodeYamlObject(def: KindDefinition, text: string, mode: FieldValidation): Decoded {
  const doc = decodeYaml(text);
  return decodeParsed(def, doc.value, mode, { objects: doc.duplicates });
}

function toDocument(doc: Document.Parsed): YamlDocument {
  const duplicates = new Map<string, string[]>();
  const repeats: string[] = [];
  walk(doc.contents, '', duplicates, repeats);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw yamlError((e as Error).message);
  }
  return { value, duplicates, duplicateErrors: [...new Set(repeats)].map((p) => `duplicate field "${p}"`) };
}

const join = (p: string, seg: string): string => (seg[0] === '[' ? p + seg : p ? `${p}.${seg}` : seg);

function walk(node: unknown, path: string, out: Map<string, string[]>, repeats: string[]): void {
  if (isMap(node)) {
    const keys: string[] = [];
    const seen = new Set<string>();
    let dup = false;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (key === '<<') continue; // merge key: its entries are not keys of this map
      if (seen.has(key)) { dup = true; repeats.push(join(path, key)); }
      seen.add(key);
      keys.push(key);
      walk(pair.value, join(path, key), out, repeats);
    }
    if (dup) out.set(path, keys);
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => walk(item as YamlNode, `${path}[${i}]`, out, repeats));
  }
}

/**
 * Whether `[`/`{` nest deeper than `limit` outside quoted scalars and comments. Conservative:
 * brackets inside plain or block scalars count too, which only matters for absurd documents.
 */
function flowDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '{') { if (++depth > limit) return true; }
    else if (c === ']' || c === '}') { if (depth > 0) depth--; }
    else if (c === '"') { for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++; }
    else if (c === "'") { for (i++; i < text.length; i++) if (text[i] === "'") { if (text[i + 1] === "'") i++; else break; } }
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) { while (i < text.length && text[i] !== '\n') i++; }
  }
  return false;
}

/** Upstream's wording: `error converting YAML to JSON: yaml: line 4: <what>`. */
function yamlError(message: string, line?: number): Error {
  const what = message.replace(/ at line \d+, column \d+[\s\S]*$/, '').split('\n')[0]!;
  return badRequest(`error converting YAML to JSON: yaml: ${line ? `line ${line}: ` : ''}${what}`);
}
