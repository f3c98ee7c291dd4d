import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OUTPUT, renderDefinitions } from '../../../scripts/gen-schema.js';
import { ALL_RESOURCES } from '../resources.js';
import { DEFINITIONS, kindDefinition, kindDefinitionFor, refName, type Schema } from './index.js';

test('definitions.json is what scripts/gen-schema.ts generates now', () => {
  assert.ok(readFileSync(OUTPUT, 'utf8') === renderDefinitions(),
    'definitions.json is stale: run node --import tsx scripts/gen-schema.ts');
});

test('every served kind, its list and the API kinds have a definition with a GVK', () => {
  for (const r of ALL_RESOURCES) {
    for (const kind of [r.kind, r.listKind]) {
      const d = kindDefinition(r.group, r.version, kind);
      assert.ok(d, `${r.group}/${r.version} ${kind}`);
      assert.equal(d.kind, kind);
    }
  }
  assert.equal(kindDefinition('', 'v1', 'Pod')?.name, 'io.k8s.api.core.v1.Pod');
  assert.equal(kindDefinitionFor('apps/v1', 'StatefulSet')?.name, 'io.k8s.api.apps.v1.StatefulSet');
  assert.equal(kindDefinition('autoscaling', 'v1', 'Scale')?.name, 'io.k8s.api.autoscaling.v1.Scale');
  assert.equal(kindDefinition('policy', 'v1', 'Eviction')?.name, 'io.k8s.api.policy.v1.Eviction');
  assert.equal(kindDefinition('', 'v1', 'Binding')?.name, 'io.k8s.api.core.v1.Binding');
  assert.equal(kindDefinition('apps', 'v1', 'DeleteOptions')?.name, 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  assert.equal(kindDefinition('', 'v1', 'Status')?.name, 'io.k8s.apimachinery.pkg.apis.meta.v1.Status');
  assert.equal(kindDefinition('apps', 'v1', 'Deployment'), undefined);
});

test('every $ref resolves; special formats are as upstream names them', () => {
  const refs = (s: Schema, at: string): void => {
    if (s.$ref) assert.ok(DEFINITIONS[refName(s.$ref)], `${at}: ${s.$ref}`);
    for (const [k, p] of Object.entries(s.properties ?? {})) refs(p, `${at}.${k}`);
    if (s.items) refs(s.items, `${at}[]`);
    if (s.additionalProperties) refs(s.additionalProperties, `${at}{}`);
  };
  for (const [name, s] of Object.entries(DEFINITIONS)) refs(s, name);
  const prop = (def: string, path: string): Schema =>
    path.split('.').reduce<Schema>((s, p) => s.properties![p]!, DEFINITIONS[def]!);
  assert.deepEqual(DEFINITIONS['io.k8s.apimachinery.pkg.util.intstr.IntOrString']?.format, 'int-or-string');
  assert.equal(DEFINITIONS['io.k8s.apimachinery.pkg.apis.meta.v1.Time']?.format, 'date-time');
  assert.equal(DEFINITIONS['io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime']?.format, 'date-time');
  assert.equal(DEFINITIONS['io.k8s.apimachinery.pkg.runtime.RawExtension']?.type, 'object');
  assert.equal(prop('io.k8s.api.core.v1.Secret', 'data').additionalProperties?.format, 'byte');
  assert.equal(prop('io.k8s.api.apps.v1.StatefulSetSpec', 'replicas').format, 'int32');
  assert.equal(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'generation').format, 'int64');
  assert.equal(prop('io.k8s.api.core.v1.PodSpec', 'terminationGracePeriodSeconds').format, 'int64');
  assert.equal(prop('io.k8s.api.core.v1.ServicePort', 'targetPort').$ref, '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  assert.equal(prop('io.k8s.api.core.v1.PersistentVolumeClaimSpec', 'resources').$ref, '#/definitions/io.k8s.api.core.v1.VolumeResourceRequirements');
  const ports = prop('io.k8s.api.core.v1.Container', 'ports');
  assert.equal(ports['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.deepEqual(ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  assert.equal(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers')['x-kubernetes-list-type'], 'set');
  assert.equal(prop('io.k8s.api.core.v1.PodSpec', 'resources').$ref, '#/definitions/io.k8s.api.core.v1.ResourceRequirements');
  assert.deepEqual(DEFINITIONS['io.k8s.api.core.v1.Pod']?.['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
  assert.deepEqual(DEFINITIONS['io.k8s.api.apps.v1.StatefulSetSpec']?.required, ['selector', 'serviceName', 'template']);
  assert.match(prop('io.k8s.api.apps.v1.StatefulSetSpec', 'volumeClaimTemplates').description ?? '', /volumeClaimTemplates is a list of claims/);
});
