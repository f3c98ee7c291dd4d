// PATCH on the wire: status codes, Status bodies and headers for every patch type, options
// (dryRun, fieldValidation, force, fieldManager), server-side apply over raw HTTPS, and the
// transport-neutral entry with text bodies (where repeated keys are still visible).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigMaps, StatefulSets, type ResourceType } from '../../src/core/index.js';
import { createBodyDecoder } from '../../src/apiserver/decoder.js';
import { handlePatchRequest } from '../../src/apiserver/handlers/patch.js';
import type { ApiRequest, PatchType } from '../../src/apiserver/request.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { call, type Reply } from '../api/http.js';

const CM = '/api/v1/namespaces/default/configmaps';
const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const SMP = { 'Content-Type': 'application/strategic-merge-patch+json' };
const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };

function status(r: Reply, code: number, reason: string, message?: string | RegExp): void {
  assert.equal(r.status, code, r.text);
  assert.equal(r.json?.kind, 'Status', r.text);
  assert.equal(r.json.reason, reason, r.text);
  assert.equal(r.json.code, code);
  if (typeof message === 'string') assert.equal(r.json.message, message);
  else if (message) assert.match(r.json.message, message);
}

describe('PATCH on the wire', () => {
  let c: TestCluster;
  const patch = (name: string, body: string, headers: Record<string, string>, query = '') =>
    call(c, 'PATCH', `${CM}/${name}${query}`, body, headers);
  const live = async (name: string) => (await call(c, 'GET', `${CM}/${name}`)).json;
  const createCm = async (name: string, data: Record<string, string>) => {
    const r = await call(c, 'POST', `${CM}?fieldManager=creator`, JSON.stringify({ metadata: { name }, data }));
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  before(async () => { c = await startTestCluster(); });
  after(async () => { await c?.stop(); });

  it('records the creator in managedFields and answers dry runs without storing', async () => {
    const obj = await createCm('dry', { a: '1' });
    assert.deepEqual(obj.metadata.managedFields.map((e: any) => [e.manager, e.operation, e.apiVersion, e.fieldsType]),
      [['creator', 'Update', 'v1', 'FieldsV1']]);
    assert.deepEqual(obj.metadata.managedFields[0].fieldsV1, { 'f:data': { '.': {}, 'f:a': {} } });
    const r = await patch('dry', '{"data":{"a":"2"}}', MERGE, '?dryRun=All&fieldManager=editor');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.a, '2');
    assert.ok(r.json.metadata.managedFields.some((e: any) => e.manager === 'editor'));
    const after1 = await live('dry');
    assert.equal(after1.data.a, '1');
    assert.equal(after1.metadata.resourceVersion, obj.metadata.resourceVersion);
  });

  it('validates PatchOptions as upstream: apply needs a fieldManager, force is apply-only', async () => {
    await createCm('opts', { a: '1' });
    status(await patch('opts', '{}', APPLY), 422, 'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    status(await patch('opts', '{}', MERGE, '?force=true'), 422, 'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
    status(await patch('opts', '{}', { 'Content-Type': 'text/plain' }), 415, 'UnsupportedMediaType');
    status(await patch('opts', '{"data":', MERGE), 400, 'BadRequest');
  });

  it('reports unknown fields per fieldValidation: Strict 422, Warn a Warning header, Ignore silence', async () => {
    await createCm('fv', { a: '1' });
    const rv = (await live('fv')).metadata.resourceVersion;
    status(await patch('fv', '{"data":{"b":"2"},"bogus":1}', SMP, '?fieldValidation=Strict'), 422, 'Invalid',
      ' "" is invalid: patch: Invalid value: "map[bogus:1 data:map[b:2]]": strict decoding error: unknown field "bogus"');
    status(await patch('fv', '{"bogus":1}', MERGE, '?fieldValidation=Strict'), 422, 'Invalid', /^ "" is invalid: patch: Invalid value: "\{.*\}": strict decoding error: unknown field "bogus"$/);
    assert.equal((await live('fv')).metadata.resourceVersion, rv);
    const warned = await patch('fv', '{"data":{"b":"2"},"bogus":1}', MERGE, '?fieldValidation=Warn');
    assert.equal(warned.status, 200, warned.text);
    assert.equal(warned.headers.warning, '299 - "unknown field \\"bogus\\""');
    const ignored = await patch('fv', '{"bogus":2}', MERGE, '?fieldValidation=Ignore');
    assert.equal(ignored.status, 200);
    assert.equal(ignored.headers.warning, undefined);
    assert.equal(ignored.json.bogus, undefined);
  });

  it('applies server-side over HTTPS: YAML bodies, conflicts as 409 with causes, force', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n';
    const created = await patch('ssa', yaml, APPLY, '?fieldManager=tool');
    assert.ok(created.status === 201 || created.status === 200, created.text);
    assert.equal((await live('ssa')).data.a, '1');
    const other = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "2"\n';
    const r = await patch('ssa', other, APPLY, '?fieldManager=other');
    status(r, 409, 'Conflict', 'Apply failed with 1 conflict: conflict with "tool": .data.a');
    assert.deepEqual(r.json.details.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "tool"', field: '.data.a' }]);
    const forced = await patch('ssa', other, APPLY, '?fieldManager=other&force=true');
    assert.equal(forced.status, 200, forced.text);
    assert.equal(forced.json.data.a, '2');
    status(await patch('ssa', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  resourceVersion: "1"\n', APPLY, '?fieldManager=x'), 409, 'Conflict',
      'Operation cannot be fulfilled on configmaps "ssa": the object has been modified; please apply your changes to the latest version and try again');
    status(await patch('ssa', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: ssa\n', APPLY, '?fieldManager=x'), 400, 'BadRequest',
      'invalid object type: /v1, Kind=Secret');
    status(await patch('ssa', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\nspec: {}\n', APPLY, '?fieldManager=x'), 400, 'BadRequest',
      'failed to create typed patch object (/ssa; /v1, Kind=ConfigMap): .spec: field not declared in schema');
    status(await patch('ssa', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n', APPLY, '?fieldManager=x'), 400, 'BadRequest',
      'the name of the object (other) does not match the name on the URL (ssa)');
    status(await call(c, 'PATCH', '/apis/apps/v1/namespaces/default/statefulsets/none/status?fieldManager=x',
      JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'none' }, status: { replicas: 1 } }),
      { ...APPLY }), 404, 'NotFound', 'statefulsets.apps "none" not found');
  });

  it('clears managedFields on request and does not start tracking again on updates', async () => {
    await createCm('reset', { a: '1' });
    const r = await patch('reset', '{"metadata":{"managedFields":[{}]}}', MERGE);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.metadata.managedFields, undefined);
    const again = await patch('reset', '{"data":{"a":"2"}}', MERGE, '?fieldManager=later');
    assert.equal(again.json.data.a, '2');
    assert.equal(again.json.metadata.managedFields, undefined);
  });
});

describe('PATCH through the transport-neutral entry (text bodies)', () => {
  let c: TestCluster;
  const ctx = () => ({ registry: c.api.registry, decoder: createBodyDecoder() });
  const request = (type: ResourceType, name: string, patchType: PatchType, body: string, query: Record<string, string> = {}): ApiRequest => ({
    verb: 'patch', type, namespace: 'default', name, patchType, body, query,
    user: { name: 'test', groups: ['system:masters'] }, warnings: [],
  });
  before(async () => {
    c = await startTestCluster();
    const r = await call(c, 'POST', CM, JSON.stringify({ metadata: { name: 'dups' }, data: { a: '1' } }));
    assert.equal(r.status, 201, r.text);
  });
  after(async () => { await c?.stop(); });

  it('finds repeated keys in patch text: Strict 422, Warn warnings', async () => {
    await assert.rejects(handlePatchRequest(ctx(), request(ConfigMaps, 'dups', 'merge', '{"data":{"a":"2","a":"3"}}', { fieldValidation: 'Strict' })),
      (e: any) => e.code === 422 && /strict decoding error: duplicate field "data\.a"$/.test(e.message));
    const warn = request(ConfigMaps, 'dups', 'strategic', '{"data":{"a":"2","a":"3"}}', { fieldValidation: 'Warn' });
    const r = await handlePatchRequest(ctx(), warn);
    assert.equal((r.object as any).data.a, '3', 'the last one wins, as in Go');
    assert.deepEqual(warn.warnings, ['duplicate field "data.a"']);
    await assert.rejects(handlePatchRequest(ctx(), request(ConfigMaps, 'dups', 'json', '[{"op":"add","path":"/data/b","value":"x","value2":1}]', { fieldValidation: 'Strict' })),
      (e: any) => e.code === 422 && /json patch unknown field "\[0\]\.value2"/.test(e.message));
    await assert.rejects(handlePatchRequest(ctx(), request(ConfigMaps, 'dups', 'apply',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dups\ndata:\n  a: "1"\n  a: "2"\n', { fieldValidation: 'Strict', fieldManager: 'x', force: 'true' })),
    (e: any) => e.code === 400 && e.message === 'error strict decoding YAML: duplicate field "data.a"');
  });

  it('creates with server-side apply and says so (201), including as a dry run', async () => {
    const yaml = 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: fresh\nspec:\n  serviceName: s\n  selector:\n    matchLabels: {app: a}\n'
      + '  template:\n    metadata:\n      labels: {app: a}\n    spec:\n      containers:\n      - name: c\n        image: busybox\n';
    const dry = await handlePatchRequest(ctx(), request(StatefulSets, 'fresh', 'apply', yaml, { fieldManager: 'tool', dryRun: 'All' }));
    assert.equal(dry.code, 201);
    assert.equal((await call(c, 'GET', '/apis/apps/v1/namespaces/default/statefulsets/fresh')).status, 404);
    const made = await handlePatchRequest(ctx(), request(StatefulSets, 'fresh', 'apply', yaml, { fieldManager: 'tool' }));
    assert.equal(made.code, 201);
    assert.equal((made.object as any).spec.replicas, 1, 'defaults applied');
    assert.deepEqual(made.object.metadata!.managedFields!.map((e) => `${e.manager}/${e.operation}`), ['tool/Apply']);
    const again = await handlePatchRequest(ctx(), request(StatefulSets, 'fresh', 'apply', yaml, { fieldManager: 'tool' }));
    assert.equal(again.code, 200);
    assert.equal(again.object.metadata!.resourceVersion, made.object.metadata!.resourceVersion);
  });
});
