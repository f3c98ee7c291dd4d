// Schemas compiled into a small tree the decoder walks fast: one node per Go type, with the
// Go names that upstream's decode errors print (`v1.PodSpec`, `[]v1.Container`, `int32`).
import { DEFINITIONS, refName, type Schema } from './definitions.js';

export type Node =
  | { readonly k: 'string' | 'bool' | 'float' | 'bytes' | 'any' | 'quantity' | 'intstr' | 'time' | 'microtime'; readonly go: string }
  | { readonly k: 'int'; readonly go: 'int32' | 'int64'; readonly min: number; readonly max: number }
  | { readonly k: 'array'; readonly go: string; readonly items: Node }
  | { readonly k: 'map'; readonly go: string; readonly values: Node }
  | StructNode;

export interface StructNode {
  readonly k: 'struct';
  /** `v1.PodSpec`: how Go prints the type. */
  readonly go: string;
  /** `PodSpec`: the struct name in `Go struct field PodSpec.spec.x`. */
  readonly struct: string;
  readonly fields: Map<string, Node>;
}

const INT32 = { k: 'int', go: 'int32', min: -(2 ** 31), max: 2 ** 31 - 1 } as const;
const INT64 = { k: 'int', go: 'int64', min: -(2 ** 63), max: 2 ** 63 } as const;

const compiled = new Map<string, Node>();

/** `io.k8s.api.core.v1.PodSpec` -> `v1.PodSpec` (Go package name + type name). */
function goName(def: string): string {
  const parts = def.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

function special(def: string): Node | undefined {
  switch (def) {
    case 'io.k8s.apimachinery.pkg.api.resource.Quantity': return { k: 'quantity', go: 'resource.Quantity' };
    case 'io.k8s.apimachinery.pkg.util.intstr.IntOrString': return { k: 'intstr', go: 'intstr.IntOrString' };
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.Time': return { k: 'time', go: 'v1.Time' };
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': return { k: 'microtime', go: 'v1.MicroTime' };
  }
  return undefined;
}

/** The node for a definition by name; built once, cycles allowed (structs are filled lazily). */
export function compileDefinition(def: string): Node {
  const hit = compiled.get(def);
  if (hit) return hit;
  const sp = special(def);
  if (sp) { compiled.set(def, sp); return sp; }
  const schema = DEFINITIONS[def];
  if (!schema) throw new Error(`schema: no definition ${def}`);
  if (schema.type === 'object' && !schema.properties) {
    // RawExtension, FieldsV1, Patch: raw JSON kept as it came.
    const node: Node = { k: 'any', go: goName(def) };
    compiled.set(def, node);
    return node;
  }
  const fields = new Map<string, Node>();
  const node: StructNode = { k: 'struct', go: goName(def), struct: def.slice(def.lastIndexOf('.') + 1), fields };
  compiled.set(def, node);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) fields.set(name, compileSchema(prop));
  return node;
}

export function compileSchema(s: Schema): Node {
  if (s.$ref) return compileDefinition(refName(s.$ref));
  switch (s.type) {
    case 'string': return s.format === 'byte' ? { k: 'bytes', go: '[]uint8' } : { k: 'string', go: 'string' };
    case 'boolean': return { k: 'bool', go: 'bool' };
    case 'integer': return s.format === 'int64' ? INT64 : INT32;
    case 'number': return { k: 'float', go: 'float64' };
    case 'array': {
      const items = compileSchema(s.items ?? {});
      return { k: 'array', go: `[]${items.go}`, items };
    }
    case 'object':
      if (s.additionalProperties) {
        const values = compileSchema(s.additionalProperties);
        return { k: 'map', go: `map[string]${values.go}`, values };
      }
      return { k: 'any', go: 'interface {}' };
    default: return { k: 'any', go: 'interface {}' };
  }
}
