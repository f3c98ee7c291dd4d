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

const gvkKey = (group: string, version: string, kind: string): string => `${group}/${version}/${kind}`;

let byGvk: Map<string, KindDefinition> | undefined;

function index(): Map<string, KindDefinition> {
  if (byGvk) return byGvk;
  byGvk = new Map();
  for (const [name, schema] of Object.entries(DEFINITIONS)) {
    for (const g of schema['x-kubernetes-group-version-kind'] ?? []) {
      byGvk.set(gvkKey(g.group, g.version, g.kind), Object.freeze({ ...g, name, schema }));
    }
  }
  return byGvk;
}

/** The definition of a kind by group ('' for core), version and kind; undefined when not served. */
export function kindDefinition(group: string, version: string, kind: string): KindDefinition | undefined {
  return index().get(gvkKey(group, version, kind));
}

/** Same, by an object's `apiVersion` (`v1`, `apps/v1`). */
export function kindDefinitionFor(apiVersion: string, kind: string): KindDefinition | undefined {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? kindDefinition('', apiVersion, kind) : kindDefinition(apiVersion.slice(0, slash), apiVersion.slice(slash + 1), kind);
}

/** Every kind that has a GVK, in definition-name order. */
export function allKindDefinitions(): KindDefinition[] {
  return [...index().values()];
}

/** Resolves a `$ref` (`#/definitions/<name>`) to the definition name. */
export function refName(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}
