// The generated definitions (see scripts/gen-schema.ts) and lookups by name and by GVK.
// Loaded once with the module; the JSON is data, so src/core stays free of runtime I/O.
import generated from './definitions.json' with { type: 'json' };

/** One OpenAPI v2 schema node, as written in definitions.json. */
export interface Schema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly format?: string;
  readonly description?: string;
  readonly $ref?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: Schema;
  readonly items?: Schema;
  readonly required?: readonly string[];
  readonly 'x-kubernetes-group-version-kind'?: readonly GroupVersionKind[];
  readonly [extension: `x-${string}`]: unknown;
}

export interface GroupVersionKind { readonly group: string; readonly version: string; readonly kind: string }

/** A top-level kind: its definition name (`io.k8s.api.core.v1.Pod`) and schema. */
export interface KindDefinition extends GroupVersionKind {
  readonly name: string;
  readonly schema: Schema;
}

export const REF_PREFIX = '#/definitions/';

export const DEFINITIONS: Readonly<Record<string, Schema>> =
  (generated as unknown as { definitions: Record<string, Schema> }).definitions;

// group -> version -> kind: looked up on every write, so no key string is built per call.
let byGvk: Map<string, Map<string, Map<string, KindDefinition>>> | undefined;
let all: KindDefinition[] | undefined;

function index(): Map<string, Map<string, Map<string, KindDefinition>>> {
  if (byGvk) return byGvk;
  byGvk = new Map();
  const ordered = new Map<string, KindDefinition>(); // first-seen order, a later duplicate replacing in place
  for (const [name, schema] of Object.entries(DEFINITIONS)) {
    for (const g of schema['x-kubernetes-group-version-kind'] ?? []) {
      const def: KindDefinition = Object.freeze({ ...g, name, schema });
      ordered.set(`${g.group}/${g.version}/${g.kind}`, def);
      let versions = byGvk.get(g.group);
      if (!versions) byGvk.set(g.group, (versions = new Map()));
      let kinds = versions.get(g.version);
      if (!kinds) versions.set(g.version, (kinds = new Map()));
      kinds.set(g.kind, def);
    }
  }
  all = [...ordered.values()];
  return byGvk;
}

/** The definition of a kind by group ('' for core), version and kind; undefined when not served. */
export function kindDefinition(group: string, version: string, kind: string): KindDefinition | undefined {
  return index().get(group)?.get(version)?.get(kind);
}

/** Same, by an object's `apiVersion` (`v1`, `apps/v1`). */
export function kindDefinitionFor(apiVersion: string, kind: string): KindDefinition | undefined {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? kindDefinition('', apiVersion, kind) : kindDefinition(apiVersion.slice(0, slash), apiVersion.slice(slash + 1), kind);
}

/** Every kind that has a GVK, in definition-name order. */
export function allKindDefinitions(): KindDefinition[] {
  index();
  return [...all!];
}

/** Resolves a `$ref` (`#/definitions/<name>`) to the definition name. */
export function refName(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}
