// The shape of every served kind as strategic merge patch and server-side apply see it, built
// once from the generated definitions (core/schema/definitions.json):
//   lists    -> atomic | set | map (keyed), from x-kubernetes-list-type, else from the patch
//               strategy (merge + merge key = keyed by that key, merge alone = set), else atomic,
//               as upstream's OpenAPI-to-SMD conversion (kube-openapi schemaconv) decides;
//   structs  -> named fields, atomic when x-kubernetes-map-type is atomic;
//   maps     -> additionalProperties;
//   scalars  -> string / numeric / boolean, plus int-or-string and quantity, which take both.
// RawExtension-like definitions (an object without properties) are 'untyped': one opaque value.
import { DEFINITIONS, kindDefinition, refName, type ResourceType, type Schema } from '../../core/index.js';

export type ScalarKind = 'string' | 'numeric' | 'boolean' | 'intstr' | 'quantity';
export type ListRelation = 'atomic' | 'set' | 'map';

export interface ScalarNode { readonly kind: 'scalar'; readonly scalar: ScalarKind }
export interface UntypedNode { readonly kind: 'untyped' }
export interface MapNode { readonly kind: 'map'; readonly elem: TypeNode }
export interface StructNode {
  readonly kind: 'struct';
  /** Short Go type name (`PodSpec`), for messages such as upstream's field lookup errors. */
  readonly name: string;
  readonly atomic: boolean;
  readonly fields: ReadonlyMap<string, FieldNode>;
}
export interface ListNode {
  readonly kind: 'list';
  readonly elem: TypeNode;
  readonly relation: ListRelation;
  /** Key fields of a keyed list, in schema order. */
  readonly keys: readonly string[];
  /** Values upstream's schema defaults for missing key fields (ports: protocol TCP). */
  readonly keyDefaults: Readonly<Record<string, unknown>>;
}
export type TypeNode = ScalarNode | UntypedNode | MapNode | StructNode | ListNode;

/** A field of a struct, with the strategic-merge-patch metadata of its declaration. */
export interface FieldNode {
  readonly type: TypeNode;
  /** `merge`, `replace`, `retainKeys`, `merge,retainKeys` (x-kubernetes-patch-strategy). */
  readonly patchStrategy?: string;
  readonly mergeKey?: string;
}

const SPECIAL_SCALARS: Readonly<Record<string, ScalarKind>> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'intstr',
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'quantity',
};

/** Defaults of list-map key fields (the OpenAPI `default` upstream's SMD uses for absent keys). */
const KEY_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' },
};

const UNTYPED: UntypedNode = { kind: 'untyped' };
const byDefinition = new Map<string, TypeNode>();

function definitionNode(def: string): TypeNode {
  const hit = byDefinition.get(def);
  if (hit) return hit;
  const special = SPECIAL_SCALARS[def];
  if (special) {
    const node: ScalarNode = { kind: 'scalar', scalar: special };
    byDefinition.set(def, node);
    return node;
  }
  const schema = DEFINITIONS[def];
  if (!schema) throw new Error(`patch schema: no definition ${def}`);
  if (!schema.properties) {
    // Plain scalars by reference (Time is a string) or opaque objects (RawExtension, FieldsV1).
    const node = schema.type === 'object' ? UNTYPED : schemaNode(schema);
    byDefinition.set(def, node);
    return node;
  }
  const fields = new Map<string, FieldNode>();
  const node: StructNode = {
    kind: 'struct', name: def.slice(def.lastIndexOf('.') + 1), atomic: schema['x-kubernetes-map-type'] === 'atomic', fields,
  };
  // Registered before the fields compile, so self-referencing definitions terminate.
  byDefinition.set(def, node);
  for (const [name, prop] of Object.entries(schema.properties)) {
    fields.set(name, {
      type: schemaNode(prop),
      patchStrategy: prop['x-kubernetes-patch-strategy'] as string | undefined,
      mergeKey: prop['x-kubernetes-patch-merge-key'] as string | undefined,
    });
  }
  return node;
}

function schemaNode(s: Schema): TypeNode {
  if (s.$ref) return definitionNode(refName(s.$ref));
  switch (s.type) {
    case 'string': return { kind: 'scalar', scalar: s.format === 'int-or-string' ? 'intstr' : 'string' };
    case 'integer':
    case 'number': return { kind: 'scalar', scalar: 'numeric' };
    case 'boolean': return { kind: 'scalar', scalar: 'boolean' };
    case 'array': return listNode(s);
    case 'object': return s.additionalProperties ? { kind: 'map', elem: schemaNode(s.additionalProperties) } : UNTYPED;
    default: return UNTYPED;
  }
}

function listNode(s: Schema): ListNode {
  const elem = schemaNode(s.items ?? {});
  const itemRef = s.items?.$ref ? refName(s.items.$ref) : '';
  const keyDefaults = KEY_DEFAULTS[itemRef] ?? {};
  const listType = s['x-kubernetes-list-type'] as string | undefined;
  const strategy = (s['x-kubernetes-patch-strategy'] as string | undefined) ?? '';
  const mergeKey = s['x-kubernetes-patch-merge-key'] as string | undefined;
  if (listType === 'map') {
    return { kind: 'list', elem, relation: 'map', keys: (s['x-kubernetes-list-map-keys'] as string[] | undefined) ?? [], keyDefaults };
  }
  if (listType === 'set') return { kind: 'list', elem, relation: 'set', keys: [], keyDefaults };
  if (listType === 'atomic') return { kind: 'list', elem, relation: 'atomic', keys: [], keyDefaults };
  if (strategy.split(',').includes('merge')) {
    return mergeKey
      ? { kind: 'list', elem, relation: 'map', keys: [mergeKey], keyDefaults }
      : { kind: 'list', elem, relation: 'set', keys: [], keyDefaults };
  }
  return { kind: 'list', elem, relation: 'atomic', keys: [], keyDefaults };
}

/** The root node of a served kind (its top-level struct). */
export function kindNode(type: Pick<ResourceType, 'group' | 'version' | 'kind'>): StructNode {
  const def = kindDefinition(type.group, type.version, type.kind);
  if (!def) throw new Error(`patch schema: no definition for ${type.kind}`);
  const node = definitionNode(def.name);
  if (node.kind !== 'struct') throw new Error(`patch schema: ${type.kind} is not a struct`);
  return node;
}

/** The node of a named definition (tests and helpers). */
export function namedNode(definition: string): TypeNode {
  return definitionNode(definition);
}

/** A child's node: a struct's declared field or a map's element type; undefined when unknown. */
export function childNode(parent: TypeNode, key: string): TypeNode | undefined {
  if (parent.kind === 'struct') return parent.fields.get(key)?.type;
  if (parent.kind === 'map') return parent.elem;
  if (parent.kind === 'untyped') return UNTYPED;
  return undefined;
}

export function isLeafNode(node: TypeNode): boolean {
  return node.kind === 'scalar' || node.kind === 'untyped'
    || (node.kind === 'list' && node.relation === 'atomic') || (node.kind === 'struct' && node.atomic);
}
