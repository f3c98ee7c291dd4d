// Upstream compares objects for managedFields after decoding them into Go structs, where a
// struct-typed field that is not a pointer always exists (`spec`, `status`, a container's
// `resources`, a template's `metadata`) and `containers` is null rather than absent. Whether
// such a node exists on both sides decides whether an Update manager owns the node itself
// (`.: {}` in FieldsV1), so comparisons here first give JSON objects that same shape.
// The table lists, per struct, the fields that Go always serialises (from the API types).
// Conversely, Go drops empty maps and lists of `omitempty` fields (all of them but
// PodSpec.containers here), so `labels: {}` counts as no labels.
import type { StructNode, TypeNode } from './schema-model.js';

type Always = Readonly<Record<string, 'struct' | 'null'>>;

const META = { metadata: 'struct' } as const;
const TOP = { metadata: 'struct', spec: 'struct', status: 'struct' } as const;

const ALWAYS: Readonly<Record<string, Always>> = {
  Pod: TOP, Service: TOP, PersistentVolume: TOP, PersistentVolumeClaim: TOP, Namespace: TOP, Node: TOP,
  StatefulSet: TOP, Scale: TOP,
  Lease: { metadata: 'struct', spec: 'struct' },
  ConfigMap: META, Secret: META, ServiceAccount: META, Endpoints: META, StorageClass: META, ControllerRevision: META,
  Event: { metadata: 'struct', involvedObject: 'struct', source: 'struct' },
  Binding: { metadata: 'struct', target: 'struct' },
  PodTemplateSpec: { metadata: 'struct', spec: 'struct' },
  PersistentVolumeClaimTemplate: { metadata: 'struct', spec: 'struct' },
  StatefulSetSpec: { template: 'struct', updateStrategy: 'struct' },
  PodSpec: { containers: 'null' },
  Container: { resources: 'struct' },
  EphemeralContainer: { resources: 'struct' },
  PersistentVolumeClaimSpec: { resources: 'struct' },
  ServiceStatus: { loadBalancer: 'struct' },
  NodeStatus: { daemonEndpoints: 'struct', nodeInfo: 'struct' },
  NodeDaemonEndpoints: { kubeletEndpoint: 'struct' },
  ContainerStatus: { state: 'struct', lastState: 'struct' },
  WeightedPodAffinityTerm: { podAffinityTerm: 'struct' },
  PreferredSchedulingTerm: { preference: 'struct' },
};

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A copy of `v` with the always-present Go fields filled in (`{}` or null); nothing removed. */
export function goShape(node: TypeNode | undefined, v: unknown): unknown {
  if (!node) return v;
  switch (node.kind) {
    case 'struct': {
      if (!isObj(v) || node.atomic) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const child = node.fields.get(k)?.type;
        if (emptyCollection(child, x) && ALWAYS[node.name]?.[k] === undefined) continue;
        out[k] = goShape(child, x);
      }
      for (const [k, what] of Object.entries(ALWAYS[node.name] ?? {})) {
        if (out[k] === undefined) out[k] = what === 'null' ? null : goShape(node.fields.get(k)?.type, {});
      }
      return out;
    }
    case 'map':
      if (!isObj(v)) return v;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, goShape(node.elem, x)]));
    case 'list':
      return Array.isArray(v) && node.relation !== 'atomic' ? v.map((x) => goShape(node.elem, x)) : v;
    default:
      return v;
  }
}

/**
 * goShape of `v` at its top level only: the same members as goShape(node, v) has, with the
 * values below them as they are, except those goShape adds, which come fully shaped. goShape
 * applied level by level gives what goShape gives (goShape of a shaped value changes nothing).
 */
export function goShapeLevel(node: TypeNode | undefined, v: unknown): unknown {
  if (!node || node.kind !== 'struct' || !isObj(v) || node.atomic) return v;
  const { always, collections } = levelOf(node);
  let out: Record<string, unknown> | undefined;
  if (collections.size) {
    let drop: string[] | undefined;
    for (const k in v) {
      const x = v[k];
      if (typeof x !== 'object' || x === null) continue; // only empty lists and maps are dropped
      const kind = collections.get(k);
      if (kind && (kind === 'list' ? Array.isArray(x) && x.length === 0 : isEmptyMap(x))) (drop ??= []).push(k);
    }
    if (drop) {
      // Built without them rather than deleted from a copy (a delete makes a slow dictionary object).
      out = {};
      for (const k in v) if (!drop.includes(k)) out[k] = v[k];
    }
  }
  for (const [k, zero] of always) {
    if ((out ?? v)[k] === undefined) {
      out ??= { ...v };
      out[k] = zero;
    }
  }
  return out ?? v;
}

interface Level {
  /** Always-present fields and their zero values (shared and frozen: comparisons only read them). */
  readonly always: readonly (readonly [string, unknown])[];
  /** The other list and map fields: dropped when empty. */
  readonly collections: ReadonlyMap<string, 'list' | 'map'>;
}

const levels = new WeakMap<StructNode, Level>();

function levelOf(node: StructNode): Level {
  let level = levels.get(node);
  if (level) return level;
  const always = ALWAYS[node.name] ?? {};
  const collections = new Map<string, 'list' | 'map'>();
  for (const [name, field] of node.fields) {
    if ((always as Record<string, unknown>)[name] !== undefined) continue; // as goShape decides
    if (field.type.kind === 'list' || field.type.kind === 'map') collections.set(name, field.type.kind);
  }
  level = {
    always: Object.entries(always).map(([k, what]) => [k, what === 'null' ? null : freeze(goShape(node.fields.get(k)?.type, {}))] as const),
    collections,
  };
  levels.set(node, level);
  return level;
}

function freeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) freeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

function isEmptyMap(v: unknown): boolean {
  if (!isObj(v)) return false;
  for (const _ in v) return false;
  return true;
}

function emptyCollection(node: TypeNode | undefined, v: unknown): boolean {
  if (node?.kind === 'list') return Array.isArray(v) && v.length === 0;
  if (node?.kind === 'map') {
    if (!isObj(v)) return false;
    for (const _ in v) return false;
    return true;
  }
  return false;
}

/** The zero value of a kind as Go serialises it: what a create is compared against. */
export function goZero(root: StructNode): Record<string, unknown> {
  return goShape(root, {}) as Record<string, unknown>;
}
