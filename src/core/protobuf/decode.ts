// Request bodies in Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf): the magic
// `k8s\0`, then a runtime.Unknown {1: TypeMeta{1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding,
// 4: contentType} whose raw is the object's own message. Decoded into the JSON object Go's
// encoding/json would print for the same struct, so everything after decoding is shared with JSON.
import { badRequest } from '../errors.js';
import { kindDefinitionFor } from '../schema/index.js';
import { type FieldSpec, type MessageSpec, messageForDefinition, messageSpec } from './table.js';
import { isZeroScalar, readScalar, scalarWire, specialValue, toUtf8 } from './values.js';
import { WIRE_BYTES, WireReader, malformed } from './wire.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_MAGIC: readonly number[] = [0x6b, 0x38, 0x73, 0x00];

export interface DecodedProtobuf {
  readonly apiVersion: string;
  readonly kind: string;
  /** The object as JSON would carry it, apiVersion and kind included. */
  readonly object: Record<string, unknown>;
  /**
   * Field numbers the table does not know, as `<path>.#<number>` (`#7` at the top level,
   * `spec.containers[0].#99` inside): newer clients' fields, for fieldValidation to judge.
   */
  readonly unknownFields: string[];
}

/** The runtime.Unknown envelope after the magic. */
export interface ProtobufEnvelope {
  readonly apiVersion: string;
  readonly kind: string;
  readonly raw: Uint8Array;
  readonly contentEncoding: string;
  readonly contentType: string;
}

export function hasProtobufMagic(body: Uint8Array): boolean {
  return body.length >= 4 && PROTOBUF_MAGIC.every((b, i) => body[i] === b);
}

/** Checks the magic and reads runtime.Unknown; throws 400 on anything else. */
export function readEnvelope(body: Uint8Array): ProtobufEnvelope {
  if (!hasProtobufMagic(body)) {
    throw badRequest(`provided data does not appear to be a protobuf message, expected prefix [${PROTOBUF_MAGIC.join(' ')}]`);
  }
  let apiVersion = '', kind = '', contentEncoding = '', contentType = '';
  let raw: Uint8Array = new Uint8Array(0);
  const r = new WireReader(body.subarray(4));
  while (!r.done) {
    const { field, wire } = r.key();
    if (field > 4) { r.skip(wire); continue; }
    if (wire !== WIRE_BYTES) throw malformed('', `wrong wire type ${wire} for runtime.Unknown field ${field}`);
    const b = r.bytes();
    if (field === 1) {
      const t = new WireReader(b, 'typeMeta');
      while (!t.done) {
        const k = t.key();
        if ((k.field === 1 || k.field === 2) && k.wire === WIRE_BYTES) {
          if (k.field === 1) apiVersion = toUtf8(t.bytes()); else kind = toUtf8(t.bytes());
        } else t.skip(k.wire);
      }
    } else if (field === 2) raw = b;
    else if (field === 3) contentEncoding = toUtf8(b);
    else contentType = toUtf8(b);
  }
  return { apiVersion, kind, raw, contentEncoding, contentType };
}

/**
 * Decodes a protobuf request body. `defaults` stand in for an envelope without apiVersion/kind,
 * as upstream fills them from the request's endpoint.
 */
export function decodeKubernetesProtobuf(
  body: Uint8Array, defaults: { apiVersion?: string; kind?: string } = {},
): DecodedProtobuf {
  const env = readEnvelope(body);
  const apiVersion = env.apiVersion || defaults.apiVersion || '';
  const kind = env.kind || defaults.kind || '';
  if (!kind) throw badRequest("Object 'Kind' is missing in protobuf body");
  if (!apiVersion) throw badRequest("Object 'apiVersion' is missing in protobuf body");
  const def = kindDefinitionFor(apiVersion, kind);
  const spec = def && messageSpec(messageForDefinition(def.name) ?? '');
  if (!spec) throw badRequest(`no kind "${kind}" is registered for version "${apiVersion}" in protobuf`);
  const unknownFields: string[] = [];
  const object = { apiVersion, kind, ...decodeMessage(spec, env.raw, '', unknownFields) };
  return { apiVersion, kind, object, unknownFields };
}

/** Decodes one message of `spec` into its JSON form. */
export function decodeMessage(spec: MessageSpec, bytes: Uint8Array, path: string, unknown: string[]): Record<string, unknown> {
  return render(spec, accumulate(spec, bytes, path, unknown, new Map()), path, unknown);
}

/** A message's fields by number, before Go's JSON rules decide what shows. */
type Acc = Map<number, unknown>;
/** An embedded message not yet rendered: its bytes, in arrival order (protobuf merges repeats). */
class Pending { constructor(readonly parts: Uint8Array[]) {} }

const join = (path: string, name: string): string => (!name ? path : path ? `${path}.${name}` : name);

function accumulate(spec: MessageSpec, bytes: Uint8Array, path: string, unknown: string[], acc: Acc): Acc {
  const r = new WireReader(bytes, path);
  while (!r.done) {
    const { field, wire } = r.key();
    const f = spec.byNumber.get(field);
    if (!f) { unknown.push(join(path, `#${field}`)); r.skip(wire); continue; }
    const where = join(path, f.json);
    if (f.map) {
      expectWire(wire, WIRE_BYTES, where);
      const m = (acc.get(field) as Record<string, unknown> | undefined) ?? {};
      const [k, v] = mapEntry(f, r.bytes(), where, unknown);
      // defineProperty, so a key like "__proto__" stays an ordinary key, as JSON.parse keeps it
      Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
      acc.set(field, m);
    } else if (f.value.kind === 'scalar') {
      const v = scalarField(f, r, wire, where);
      if (!f.repeated) acc.set(field, v[v.length - 1]);
      else if (acc.has(field)) (acc.get(field) as unknown[]).push(...v);
      else acc.set(field, v);
    } else {
      expectWire(wire, WIRE_BYTES, where);
      const b = r.bytes();
      if (f.repeated) {
        const list = (acc.get(field) as unknown[] | undefined) ?? [];
        list.push(single(f, b, `${where}[${list.length}]`, unknown));
        acc.set(field, list);
      } else if (f.value.kind === 'message') {
        const prev = acc.get(field);
        acc.set(field, new Pending(prev instanceof Pending ? [...prev.parts, b] : [b]));
      } else acc.set(field, single(f, b, where, unknown));
    }
  }
  return acc;
}

function render(spec: MessageSpec, acc: Acc, path: string, unknown: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of spec.fields) {
    if (!acc.has(f.number)) continue;
    let v = acc.get(f.number);
    if (v instanceof Pending) v = pending(f, v, join(path, f.json), unknown);
    if (v === undefined || v === null) continue; // null in Go's JSON
    if (f.inline) { Object.assign(out, v); continue; }
    if (f.map || f.repeated) {
      if (Object.keys(v as object).length === 0) continue;
    } else if (f.value.kind === 'scalar' && !f.keep && isZeroScalar(v)) continue;
    out[f.json] = v;
  }
  return out;
}

/** An embedded message seen once or more: decoded into one, later fields winning. */
function pending(f: FieldSpec, p: Pending, where: string, unknown: string[]): Record<string, unknown> {
  const spec = specOf((f.value as { message: string }).message);
  const acc: Acc = new Map();
  for (const part of p.parts) accumulate(spec, part, where, unknown, acc);
  return render(spec, acc, where, unknown);
}

/** One length-delimited value: a message (each element of a repeated field) or a special type. */
function single(f: FieldSpec, b: Uint8Array, where: string, unknown: string[]): unknown {
  const t = f.value;
  if (t.kind === 'message') return decodeMessage(specOf(t.message), b, where, unknown);
  if (t.kind === 'special') return specialValue(t.type, b, where);
  return readScalar(new WireReader(b, where), t.type);
}

function scalarField(f: FieldSpec, r: WireReader, wire: number, where: string): unknown[] {
  const type = (f.value as { type: Parameters<typeof readScalar>[1] }).type;
  const want = scalarWire(type);
  // Repeated numbers may come packed in one length-delimited run; gogo accepts both forms.
  if (f.repeated && wire === WIRE_BYTES && want !== WIRE_BYTES) {
    const packed = new WireReader(r.bytes(), where);
    const out: unknown[] = [];
    while (!packed.done) out.push(readScalar(packed, type));
    return out;
  }
  expectWire(wire, want, where);
  return [readScalar(r, type)];
}

/** A map entry {1: key, 2: value}; either may be missing and then is its zero value. */
function mapEntry(f: FieldSpec, bytes: Uint8Array, where: string, unknown: string[]): [string, unknown] {
  const r = new WireReader(bytes, where);
  let key = '';
  let value: unknown;
  while (!r.done) {
    const { field, wire } = r.key();
    if (field === 1) { expectWire(wire, WIRE_BYTES, where); key = toUtf8(r.bytes()); }
    else if (field === 2) {
      if (f.value.kind === 'scalar') value = scalarField({ ...f, repeated: false }, r, wire, where)[0];
      else { expectWire(wire, WIRE_BYTES, where); value = single(f, r.bytes(), `${where}[${key}]`, unknown); }
    } else r.skip(wire);
  }
  if (value === undefined) value = zeroOf(f, where, unknown);
  return [key, value];
}

function zeroOf(f: FieldSpec, where: string, unknown: string[]): unknown {
  const t = f.value;
  if (t.kind === 'scalar') return t.type === 'string' || t.type === 'bytes' ? '' : t.type === 'bool' ? false : 0;
  return single(f, new Uint8Array(0), where, unknown) ?? null;
}

const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'];

function expectWire(got: number, want: number, where: string): void {
  if (got !== want) throw malformed(where, `wrong wire type ${WIRE_NAMES[got] ?? got}, expected ${WIRE_NAMES[want]}`);
}

/** Table references are checked by the table's own test, so a miss here is a bug, not bad input. */
function specOf(name: string): MessageSpec {
  const spec = messageSpec(name);
  if (!spec) throw new Error(`protobuf table has no message ${name}`);
  return spec;
}
