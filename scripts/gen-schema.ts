// Generates src/core/schema/definitions.json from the `.d.ts` files of `kubernetes-types`
// (upstream-generated, with doc comments), plus the hand tables in src/core/schema/gen-*.ts.
// Run: node --import tsx scripts/gen-schema.ts        (writes the file)
//      node --import tsx scripts/gen-schema.ts --check (exits 1 when the file is stale)
// The output is OpenAPI v2 style (`#/definitions/...` refs), sorted, so diffs stay readable.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import {
  ATOMIC_STRUCTS, BYTE_FIELDS, DOUBLE_FIELDS, EXTRA_GVK, INT64_FIELDS, INT_OR_STRING, LIST_META, MODULE_PREFIX, ROOTS,
} from '../src/core/schema/gen-tables.js';
import { OVERLAY_DEFS, OVERLAY_FIELDS, type OverlayField } from '../src/core/schema/gen-overlay.js';

type Schema = Record<string, unknown>;
interface ModuleIndex { decls: Map<string, ts.InterfaceDeclaration | ts.TypeAliasDeclaration>; imports: Map<string, string> }

export const OUTPUT = fileURLToPath(new URL('../src/core/schema/definitions.json', import.meta.url));
const REF = '#/definitions/';

const TIME_DESC = 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON. Wrappers are provided for many of the factory methods that the time package offers.';
const INT_OR_STRING_DESC = 'IntOrString is a type that can hold an int32 or a string. When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.';

function typesDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('kubernetes-types/package.json'));
}

function docOf(node: ts.Node, text: string): string | undefined {
  const ranges = ts.getLeadingCommentRanges(text, node.pos) ?? [];
  const doc = ranges.map((r) => text.slice(r.pos, r.end)).filter((c) => c.startsWith('/**')).pop();
  if (!doc) return undefined;
  const lines = doc.slice(3, -2).split('\n').map((l) => l.replace(/^\s*\* ?/, '').replace(/\s+$/, ''));
  const out = lines.join('\n').trim();
  return out || undefined;
}

function indexModules(dir: string): { modules: Map<string, ModuleIndex>; texts: Map<string, string> } {
  const modules = new Map<string, ModuleIndex>();
  const texts = new Map<string, string>();
  for (const mod of Object.keys(MODULE_PREFIX)) {
    const text = readFileSync(path.join(dir, `${mod}.d.ts`), 'utf8');
    const sf = ts.createSourceFile(`${mod}.d.ts`, text, ts.ScriptTarget.ES2022, true);
    const idx: ModuleIndex = { decls: new Map(), imports: new Map() };
    for (const st of sf.statements) {
      if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) idx.decls.set(st.name.text, st);
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
        const from = path.posix.join(path.posix.dirname(mod), st.moduleSpecifier.text);
        const named = st.importClause?.namedBindings;
        if (named && ts.isNamedImports(named)) for (const el of named.elements) idx.imports.set(el.name.text, from);
      }
    }
    modules.set(mod, idx);
    texts.set(mod, text);
  }
  return { modules, texts };
}

/** Builds every definition reachable from ROOTS. Pure apart from reading kubernetes-types. */
export function generateDefinitions(): Record<string, Schema> {
  const { modules, texts } = indexModules(typesDir());
  const defs: Record<string, Schema> = {};
  const queue: string[] = [...ROOTS];
  const seen = new Set<string>();
  const fullName = (key: string): string => {
    const [mod, name] = key.split(':') as [string, string];
    return `${MODULE_PREFIX[mod]}.${name}`;
  };
  const refTo = (key: string): Schema => {
    if (!seen.has(key)) queue.push(key);
    return { $ref: REF + fullName(key) };
  };
  const resolve = (mod: string, name: string): string => {
    const idx = modules.get(mod)!;
    if (idx.decls.has(name) || OVERLAY_DEFS[`${mod}:${name}`]) return `${mod}:${name}`;
    const from = idx.imports.get(name);
    if (!from) throw new Error(`cannot resolve ${name} in ${mod}`);
    return `${from}:${name}`;
  };

  // Leaf schema for a field: `fieldKey` is Go type name + json name, for the hand tables.
  const convert = (mod: string, fieldKey: string, node: ts.TypeNode): Schema => {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword: case ts.SyntaxKind.LiteralType:
        return BYTE_FIELDS.has(fieldKey) ? { type: 'string', format: 'byte' } : { type: 'string' };
      case ts.SyntaxKind.BooleanKeyword: return { type: 'boolean' };
      case ts.SyntaxKind.NumberKeyword:
        if (DOUBLE_FIELDS.has(fieldKey)) return { type: 'number', format: 'double' };
        return { type: 'integer', format: INT64_FIELDS.has(fieldKey) ? 'int64' : 'int32' };
    }
    if (ts.isUnionTypeNode(node)) return { $ref: REF + INT_OR_STRING };
    if (ts.isTypeLiteralNode(node)) {
      const sig = node.members.find(ts.isIndexSignatureDeclaration);
      if (!sig) throw new Error(`unsupported inline type at ${fieldKey}`);
      return { type: 'object', additionalProperties: convert(mod, fieldKey, sig.type) };
    }
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
      const name = node.typeName.text;
      if (name === 'Array' && node.typeArguments?.length === 1) {
        return { type: 'array', items: convert(mod, fieldKey, node.typeArguments[0]!) };
      }
      return refTo(resolve(mod, name));
    }
    throw new Error(`unsupported type ${ts.SyntaxKind[node.kind]} at ${fieldKey}`);
  };

  const convertOverlay = (mod: string, fieldKey: string, t: string): Schema => {
    if (t.startsWith('array:')) return { type: 'array', items: convertOverlay(mod, fieldKey, t.slice(6)) };
    if (t.startsWith('map:')) return { type: 'object', additionalProperties: convertOverlay(mod, fieldKey, t.slice(4)) };
    if (t === 'string' || t === 'boolean') return { type: t };
    if (t === 'int32' || t === 'int64') return { type: 'integer', format: t };
    return refTo(t.includes(':') ? t : resolve(mod, t));
  };

  const withMeta = (name: string, prop: string, s: Schema, description?: string): Schema =>
    clean({ description, ...s, ...LIST_META[`${name}.${prop}`] });

  const special = (full: string, description?: string): Schema | undefined => {
    if (full.endsWith('resource.Quantity')) return { description, type: 'string' };
    if (full.endsWith('meta.v1.Time') || full.endsWith('meta.v1.MicroTime')) {
      return { description: description ?? TIME_DESC, type: 'string', format: 'date-time' };
    }
    if (full.endsWith('runtime.RawExtension') || full.endsWith('meta.v1.FieldsV1') || full.endsWith('meta.v1.Patch')) {
      return { description, type: 'object' };
    }
    return undefined;
  };

  while (queue.length) {
    const key = queue.shift()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const [mod, name] = key.split(':') as [string, string];
    const full = fullName(key);
    const overlay = OVERLAY_DEFS[key];
    if (overlay) {
      const properties: Record<string, Schema> = {};
      for (const [p, f] of Object.entries(overlay.properties)) {
        properties[p] = withMeta(name, p, convertOverlay(mod, `${name}.${p}`, f.type), f.description);
      }
      defs[full] = clean({ description: overlay.description, type: 'object', properties: sortKeys(properties), required: overlay.required });
      continue;
    }
    const decl = modules.get(mod)!.decls.get(name);
    if (!decl) throw new Error(`no declaration for ${key}`);
    const text = texts.get(mod)!;
    const description = docOf(decl, text);
    const sp = special(full, description);
    if (sp) { defs[full] = clean(sp); continue; }
    if (!ts.isInterfaceDeclaration(decl)) throw new Error(`unexpected alias ${key}`);
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    let apiVersion: string | undefined;
    let kind: string | undefined;
    for (const m of decl.members) {
      if (!ts.isPropertySignature(m) || !m.type) continue;
      const p = (m.name as ts.Identifier | ts.StringLiteral).text;
      if (ts.isLiteralTypeNode(m.type) && ts.isStringLiteral(m.type.literal)) {
        if (p === 'apiVersion') apiVersion = m.type.literal.text;
        if (p === 'kind') kind = m.type.literal.text;
      }
      properties[p] = withMeta(name, p, convert(mod, `${name}.${p}`, m.type), docOf(m, text));
      if (!m.questionToken) required.push(p);
    }
    for (const [p, f] of Object.entries(OVERLAY_FIELDS[key] ?? {}) as [string, OverlayField][]) {
      properties[p] = withMeta(name, p, convertOverlay(mod, `${name}.${p}`, f.type), f.description);
    }
    const gvk = EXTRA_GVK[key] ?? (apiVersion && kind ? [gvkOf(apiVersion, kind)] : undefined);
    defs[full] = clean({
      description, type: 'object', properties: sortKeys(properties), required: required.length ? required : undefined,
      'x-kubernetes-group-version-kind': gvk?.map((g) => ({ group: g.group, kind: g.kind, version: g.version })),
      'x-kubernetes-map-type': ATOMIC_STRUCTS.has(name) ? 'atomic' : undefined,
    });
  }
  defs[INT_OR_STRING] = { description: INT_OR_STRING_DESC, type: 'string', format: 'int-or-string' };
  return sortKeys(defs);
}

function gvkOf(apiVersion: string, kind: string): { group: string; version: string; kind: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion, kind } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
}

function clean(s: Schema): Schema {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
}

/** The exact text written to definitions.json. */
export function renderDefinitions(): string {
  const version = JSON.parse(readFileSync(path.join(typesDir(), 'package.json'), 'utf8')).version as string;
  return `${JSON.stringify({
    '//': `Generated by scripts/gen-schema.ts from kubernetes-types ${version}; do not edit.`,
    definitions: generateDefinitions(),
  }, null, 1)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const text = renderDefinitions();
  if (process.argv.includes('--check')) {
    const current = readFileSync(OUTPUT, 'utf8');
    if (current !== text) { console.error(`${OUTPUT} is stale: run node --import tsx scripts/gen-schema.ts`); process.exit(1); }
  } else {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${Object.keys(JSON.parse(text).definitions).length} definitions to ${OUTPUT}`);
  }
}
