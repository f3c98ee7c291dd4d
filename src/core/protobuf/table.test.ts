// The protobuf table against definitions.json: same field names, compatible types, and every
// property the served kinds can reach carried by some protobuf field. Known gaps are listed so
// that a new one fails here instead of silently dropping a field from protobuf bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFINITIONS, kindDefinitionFor, refName, type Schema } from '../schema/index.js';
import { type FieldSpec, type ValueType, definitionName, messageForDefinition, messageNames, messageSpec } from './table.js';

/** Table fields missing from definitions.json (newer than its kubernetes-types + overlay). */
const KNOWN_MISSING_IN_DEFINITIONS = [
  'io.k8s.api.core.v1.ImageVolumeSource (no definition)',
  'io.k8s.api.core.v1.NodeSwapStatus (no definition)',
  'io.k8s.api.core.v1.NodeRuntimeHandlerFeatures.userNamespaces',
  'io.k8s.api.core.v1.NodeSystemInfo.swap',
  'io.k8s.api.core.v1.PodResourceClaim.resourceClaimName',
  'io.k8s.api.core.v1.PodResourceClaim.resourceClaimTemplateName',
  'io.k8s.api.core.v1.ResourceClaim.request',
  'io.k8s.api.core.v1.Volume.image',
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions.ignoreStoreReadErrorWithClusterBreakingPotential',
];
/** definitions.json properties no v1.33 protobuf field carries (removed upstream). */
const KNOWN_MISSING_IN_PROTOBUF = ['io.k8s.api.core.v1.PodResourceClaim.source'];

const SERVED: [string, string][] = [
  ...['Namespace', 'Node', 'Pod', 'Service', 'Endpoints', 'Event', 'ConfigMap', 'Secret', 'ServiceAccount',
    'PersistentVolume', 'PersistentVolumeClaim', 'Binding'].map((k): [string, string] => ['v1', k]),
  ['storage.k8s.io/v1', 'StorageClass'], ['apps/v1', 'StatefulSet'], ['apps/v1', 'ControllerRevision'],
  ['coordination.k8s.io/v1', 'Lease'], ['autoscaling/v1', 'Scale'], ['policy/v1', 'Eviction'],
  ['v1', 'DeleteOptions'], ['meta.k8s.io/v1', 'DeleteOptions'], ['apps/v1', 'DeleteOptions'],
];

const SPECIAL_DEFS: Record<string, string[]> = {
  time: ['io.k8s.apimachinery.pkg.apis.meta.v1.Time'],
  microtime: ['io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime'],
  quantity: ['io.k8s.apimachinery.pkg.api.resource.Quantity'],
  intstr: ['io.k8s.apimachinery.pkg.util.intstr.IntOrString'],
  rawjson: ['io.k8s.apimachinery.pkg.runtime.RawExtension', 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1'],
};

/** A message's JSON fields, embedded inline structs flattened into it. */
function jsonFields(message: string): FieldSpec[] {
  return messageSpec(message)!.fields.flatMap((f) =>
    f.inline && f.value.kind === 'message' ? jsonFields(f.value.message) : [f]);
}

function valueMatches(v: ValueType, s: Schema): boolean {
  if (v.kind === 'message') return s.$ref !== undefined && refName(s.$ref) === definitionName(v.message);
  if (v.kind === 'special') return s.$ref !== undefined && SPECIAL_DEFS[v.type]!.includes(refName(s.$ref));
  switch (v.type) {
    case 'string': return s.type === 'string' && s.format !== 'byte';
    case 'bytes': return s.type === 'string' && s.format === 'byte';
    case 'bool': return s.type === 'boolean';
    case 'int32': case 'int64': return s.type === 'integer' && s.format === v.type;
    default: return s.type === 'number' || s.type === 'integer';
  }
}

function fieldMatches(f: FieldSpec, s: Schema): boolean {
  if (f.map) return s.type === 'object' && !!s.additionalProperties && valueMatches(f.value, s.additionalProperties);
  if (f.repeated) return s.type === 'array' && !!s.items && valueMatches(f.value, s.items);
  return valueMatches(f.value, s);
}

const inlined = new Set(messageNames().flatMap((m) => messageSpec(m)!.fields
  .filter((f) => f.inline && f.value.kind === 'message').map((f) => (f.value as { message: string }).message)));

test('every type the table names is a table message, a scalar or a special type', () => {
  for (const m of messageNames()) assert.ok(messageSpec(m), m); // compiling resolves every reference
});

test('every served kind, and DeleteOptions in every served group, has a table message', () => {
  for (const [apiVersion, kind] of SERVED) {
    const def = kindDefinitionFor(apiVersion, kind);
    assert.ok(def, `${apiVersion} ${kind} has no definition`);
    assert.ok(messageForDefinition(def.name), `${def.name} has no protobuf message`);
  }
});

test('table fields exist in definitions.json with compatible types', () => {
  const missing: string[] = [];
  for (const m of messageNames()) {
    if (inlined.has(m)) continue; // checked through the message that inlines it
    const def = DEFINITIONS[definitionName(m)];
    if (!def) { missing.push(`${definitionName(m)} (no definition)`); continue; }
    for (const f of jsonFields(m)) {
      const prop = def.properties?.[f.json];
      if (!prop) { missing.push(`${definitionName(m)}.${f.json}`); continue; }
      assert.ok(fieldMatches(f, prop), `${definitionName(m)}.${f.json}: ${JSON.stringify(f)} vs ${JSON.stringify({ ...prop, description: undefined })}`);
    }
  }
  assert.deepEqual(missing.sort(), [...KNOWN_MISSING_IN_DEFINITIONS].sort());
});

test('every property the served kinds reach in definitions.json has a protobuf field', () => {
  const missing: string[] = [];
  const seen = new Set<string>();
  const walk = (name: string): void => {
    if (seen.has(name) || Object.values(SPECIAL_DEFS).flat().includes(name)) return;
    seen.add(name);
    const message = messageForDefinition(name);
    assert.ok(message, `${name} has no protobuf message`);
    const fields = new Set(jsonFields(message).map((f) => f.json));
    for (const [prop, s] of Object.entries(DEFINITIONS[name]?.properties ?? {})) {
      if (prop === 'apiVersion' || prop === 'kind') continue;
      if (!fields.has(prop)) { missing.push(`${name}.${prop}`); continue; }
      const ref = s.$ref ?? s.items?.$ref ?? s.additionalProperties?.$ref;
      if (ref) walk(refName(ref));
    }
  };
  for (const [apiVersion, kind] of SERVED) walk(kindDefinitionFor(apiVersion, kind)!.name);
  assert.deepEqual(missing.sort(), KNOWN_MISSING_IN_PROTOBUF);
});
