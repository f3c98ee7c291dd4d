// The field table (messages.json) compiled for decoding: per message, its fields by number.
// Message names are `<alias>.<Name>`; `packages` maps each alias to the definition-name prefix
// used by definitions.json, so `core.Pod` is `io.k8s.api.core.v1.Pod`.
import table from './messages.json' with { type: 'json' };

/** Protobuf scalar types the Kubernetes messages use. */
export type ScalarType = 'string' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'bytes' | 'double' | 'float';

/**
 * Types whose JSON form is not their message shape: meta/v1 Time and MicroTime (RFC 3339
 * strings), resource.Quantity (its string), intstr.IntOrString (number or string),
 * runtime.RawExtension and meta/v1 FieldsV1 (embedded JSON).
 */
export type SpecialType = 'time' | 'microtime' | 'quantity' | 'intstr' | 'rawjson';

export type ValueType =
  | { readonly kind: 'scalar'; readonly type: ScalarType }
  | { readonly kind: 'special'; readonly type: SpecialType }
  | { readonly kind: 'message'; readonly message: string };

export interface FieldSpec {
  readonly number: number;
  /** JSON name; '' for an embedded struct that Go's JSON inlines into its parent. */
  readonly json: string;
  readonly repeated: boolean;
  /** map<string, value>: the wire carries entry messages {1: key, 2: value}. */
  readonly map: boolean;
  readonly value: ValueType;
  /** Go's JSON shows this scalar even when zero (a pointer, or a field without omitempty). */
  readonly keep: boolean;
  readonly inline: boolean;
}

export interface MessageSpec {
  readonly name: string;
  /** Fields in proto-number order, which is also the Go struct's (and so the JSON's) order. */
  readonly fields: readonly FieldSpec[];
  readonly byNumber: ReadonlyMap<number, FieldSpec>;
}

type Row = [number, string, string] | [number, string, string, string];

const SCALARS = new Set<string>(['string', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'bytes', 'double', 'float']);
const SPECIALS = new Set<string>(['time', 'microtime', 'quantity', 'intstr', 'rawjson']);

export const PACKAGES: Readonly<Record<string, string>> = table.packages;
const ROWS = table.messages as unknown as Readonly<Record<string, readonly Row[]>>;

function valueType(t: string): ValueType {
  if (SCALARS.has(t)) return { kind: 'scalar', type: t as ScalarType };
  if (SPECIALS.has(t)) return { kind: 'special', type: t as SpecialType };
  if (!(t in ROWS)) throw new Error(`protobuf table: unknown type ${t}`);
  return { kind: 'message', message: t };
}

function compileField([number, json, type, opts = '']: Row): FieldSpec {
  const flags = new Set(opts.split(',').filter(Boolean));
  const map = type.startsWith('map<');
  const repeated = type.startsWith('[]');
  const inner = map ? type.slice(4, -1) : repeated ? type.slice(2) : type;
  return { number, json, repeated, map, value: valueType(inner), keep: flags.has('keep'), inline: flags.has('inline') };
}

const compiled = new Map<string, MessageSpec>();

/** The compiled spec of a table message (`core.Pod`); undefined when the table lacks it. */
export function messageSpec(name: string): MessageSpec | undefined {
  let spec = compiled.get(name);
  if (spec) return spec;
  const rows = ROWS[name];
  if (!rows) return undefined;
  const fields = rows.map(compileField);
  spec = { name, fields, byNumber: new Map(fields.map((f) => [f.number, f])) };
  compiled.set(name, spec);
  return spec;
}

/** Every message name in the table. */
export function messageNames(): string[] {
  return Object.keys(ROWS);
}

/** `core.Pod` -> `io.k8s.api.core.v1.Pod`. */
export function definitionName(message: string): string {
  const dot = message.indexOf('.');
  return `${PACKAGES[message.slice(0, dot)]}.${message.slice(dot + 1)}`;
}

/** `io.k8s.api.core.v1.Pod` -> `core.Pod`; undefined when no table package holds it. */
export function messageForDefinition(definition: string): string | undefined {
  for (const [alias, prefix] of Object.entries(PACKAGES)) {
    if (definition.startsWith(`${prefix}.`)) {
      const name = `${alias}.${definition.slice(prefix.length + 1)}`;
      return name in ROWS ? name : undefined;
    }
  }
  return undefined;
}
