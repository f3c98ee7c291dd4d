// managedFields and server-side apply ownership: who owns what after creates, updates and
// applies; conflicts, force, shared ownership, removal of dropped fields, the CSA bridge.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, ConfigMaps, StatefulSets, type KubeObject, type ResourceType } from '../../core/index.js';
import { recordApply, recordUpdate, type FieldManagerScope } from './field-manager.js';
import { LAST_APPLIED_ANNOTATION } from './last-applied.js';
import { kindNode } from './schema-model.js';

const scope = (type: ResourceType, now = '2024-01-01T00:00:00Z', subresource?: string): FieldManagerScope =>
  ({ root: kindNode(type), group: type.group, version: type.version, kind: type.kind, now, subresource });

type Any = Record<string, any>;
const entries = (o: unknown) => ((o as Any).metadata.managedFields ?? []) as Any[];
const entry = (o: unknown, manager: string, operation = 'Apply'): Any =>
  entries(o).find((e) => e.manager === manager && e.operation === operation) ?? assert.fail(`no ${operation} entry for ${manager}`);

const cm = (data: Record<string, string>, extra: Any = {}): Any =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', ...extra }, data });

function created(obj: Any, manager = 'kubectl-create'): KubeObject {
  const o = structuredClone(obj) as KubeObject;
  recordUpdate(scope(ConfigMaps), undefined, o, manager);
  return o;
}

function applied(live: KubeObject | undefined, config: Any, manager: string, force = false, now?: string): KubeObject {
  return recordApply(scope(ConfigMaps, now), live, config, manager, force) as KubeObject;
}

function conflictOf(fn: () => unknown): ApiError {
  try { fn(); } catch (e) { if (e instanceof ApiError) return e; throw e; }
  assert.fail('expected a conflict');
}

describe('managedFields on updates', () => {
  it('records a create as an Update entry with FieldsV1, map entries and list items as members', () => {
    const sts = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', labels: { app: 'nginx' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'nginx' } }, template: { metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {}, ports: [{ containerPort: 80, protocol: 'TCP' }] }] } } },
      status: { replicas: 0 },
    } as KubeObject;
    recordUpdate(scope(StatefulSets, '2024-01-01T00:00:00Z'), undefined, sts, 'kubectl-create');
    assert.deepEqual(sts.metadata!.managedFields, [{
      manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:replicas': {}, 'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': {
              '.': {}, 'f:image': {}, 'f:name': {},
              'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
              'f:resources': {},
            } } },
          },
        },
      },
    }], 'struct nodes Go always has are not members; status is not owned through the main resource');
  });

  it('takes changed fields from other managers and drops removed ones', () => {
    const live = created(cm({ a: '1', b: '2' }));
    const next = structuredClone(live) as Any;
    next.data.a = 'changed';
    delete next.data.b;
    next.data.c = '3';
    recordUpdate(scope(ConfigMaps, '2024-01-02T00:00:00Z'), live, next as KubeObject, 'editor');
    assert.deepEqual(entry(next, 'kubectl-create', 'Update').fieldsV1, { 'f:data': {} }, 'the map itself stays theirs');
    assert.deepEqual(entry(next, 'editor', 'Update').fieldsV1, { 'f:data': { 'f:a': {}, 'f:c': {} } });
    assert.equal(entry(next, 'editor', 'Update').time, '2024-01-02T00:00:00Z');
  });

  it('keeps the old time of a writer whose update changed nothing, and clears on managedFields: []', () => {
    const live = created(cm({ a: '1' }));
    const same = structuredClone(live);
    recordUpdate(scope(ConfigMaps, '2030-01-01T00:00:00Z'), live, same, 'kubectl-create');
    assert.deepEqual(same.metadata!.managedFields, live.metadata!.managedFields);
    const reset = { ...structuredClone(live), metadata: { ...live.metadata, managedFields: [] } } as KubeObject;
    recordUpdate(scope(ConfigMaps), live, reset, 'x');
    assert.equal(reset.metadata!.managedFields, undefined, 'an update never starts tracking an untracked object');
  });

  it('folds update entries beyond ten into ancient-changes', () => {
    let live = created(cm({ k0: '0' }), 'm0');
    for (let i = 1; i <= 11; i++) {
      const next = structuredClone(live) as Any;
      next.data[`k${i}`] = String(i);
      recordUpdate(scope(ConfigMaps, `2024-01-01T00:00:${String(i).padStart(2, '0')}Z`), live, next as KubeObject, `m${i}`);
      live = next as KubeObject;
    }
    const names = entries(live).map((e) => e.manager);
    assert.equal(names.length, 10);
    assert.ok(names.includes('ancient-changes'));
    assert.ok(!names.includes('m0') && !names.includes('m1'));
  });
});

describe('server-side apply', () => {
  it('creates with the applier owning exactly its configuration', () => {
    const obj = applied(undefined, cm({ a: '1' }, { labels: { x: 'y' } }), 'tool');
    assert.equal((obj as Any).data.a, '1');
    assert.deepEqual(entries(obj), [{ manager: 'tool', operation: 'Apply', apiVersion: 'v1', time: '2024-01-01T00:00:00Z',
      fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } } }]);
  });

  it('conflicts on fields another manager owns and changes them only when forced', () => {
    const live = created(cm({ a: '1', b: '2' }), 'kubectl-client-side-apply');
    const e = conflictOf(() => applied(live, cm({ a: 'new' }), 'tool'));
    assert.equal(e.code, 409);
    assert.equal(e.reason, 'Conflict');
    assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a');
    assert.deepEqual(e.details.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field: '.data.a' }]);
    const forced = applied(live, cm({ a: 'new' }), 'tool', true);
    assert.equal((forced as Any).data.a, 'new');
    assert.deepEqual(entry(forced, 'kubectl-client-side-apply', 'Update').fieldsV1, { 'f:data': { '.': {}, 'f:b': {} } });
    assert.deepEqual(entry(forced, 'tool').fieldsV1, { 'f:data': { 'f:a': {} } });
  });

  it('lists several conflicts by manager', () => {
    let live = created(cm({ a: '1' }), 'one');
    const next = structuredClone(live) as Any;
    next.data.b = '2';
    recordUpdate(scope(ConfigMaps), live, next as KubeObject, 'two');
    live = next as KubeObject;
    const e = conflictOf(() => applied(live, cm({ a: 'x', b: 'y' }), 'tool'));
    assert.equal(e.message, 'Apply failed with 2 conflicts: conflicts with "one" using v1:\n- .data.a\nconflicts with "two" using v1:\n- .data.b');
  });

  it('shares fields applied with the same value, and keeps them while a co-owner applies them', () => {
    const first = applied(undefined, cm({ a: '1', b: '2' }), 'alice');
    const shared = applied(first, cm({ a: '1' }), 'bob');
    assert.deepEqual(entry(shared, 'bob').fieldsV1, { 'f:data': { 'f:a': {} } });
    assert.equal(entry(shared, 'bob').time, undefined, 'an apply that changes nothing records no time');
    const aliceDrops = applied(shared, cm({ b: '2' }), 'alice');
    assert.equal((aliceDrops as Any).data.a, '1', 'bob still applies a');
    const bobDrops = applied(aliceDrops, cm({}), 'bob');
    assert.equal((bobDrops as Any).data.a, undefined, 'nobody applies a any more');
    assert.equal((bobDrops as Any).data.b, '2');
  });

  it('removes what the applier dropped, but not what only an updater set', () => {
    const first = applied(undefined, cm({ a: '1' }), 'tool');
    const next = structuredClone(first) as Any;
    next.data.u = 'by-update';
    recordUpdate(scope(ConfigMaps), first, next as KubeObject, 'kubectl-edit');
    const again = applied(next as KubeObject, cm({ z: '9' }), 'tool');
    assert.deepEqual((again as Any).data, { u: 'by-update', z: '9' });
  });

  it('takes over fields kubectl applied client-side when switching to server-side apply', () => {
    const config = cm({ a: '1' });
    const text = JSON.stringify({ ...config, metadata: { ...config.metadata, annotations: {} } }) + '\n';
    const live = created({ ...config, metadata: { ...config.metadata, annotations: { [LAST_APPLIED_ANNOTATION]: text } } }, 'kubectl-client-side-apply');
    const other = conflictOf(() => applied(live, cm({ a: 'changed' }), 'helm'));
    assert.equal(other.code, 409, 'managers other than kubectl get no bridge');
    const obj = applied(live, cm({ a: '1' }), 'kubectl');
    assert.deepEqual(entry(obj, 'kubectl').fieldsV1, { 'f:data': { 'f:a': {} } });
    assert.equal((obj as Any).metadata.annotations[LAST_APPLIED_ANNOTATION], 
      '{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"name":"c","namespace":"default"}}',
      'the annotation follows the server-side configuration, keys sorted as Go writes them');
    const changed = applied(live, cm({ a: 'changed' }), 'kubectl');
    assert.equal((changed as Any).data.a, 'changed', 'a field the annotation names may change without --force-conflicts');
  });

  it('rejects configurations upstream rejects', () => {
    const live = created(cm({ a: '1' }));
    assert.throws(() => applied(live, { ...cm({}), kind: 'Secret' }, 'x'), /^ApiError: invalid object type: \/v1, Kind=Secret$/);
    assert.throws(() => applied(live, { ...cm({}), metadata: { name: 'c', managedFields: [] } }, 'x'), /metadata\.managedFields must be nil/);
    assert.throws(() => applied(live, { ...cm({}), spec: { a: 1 } }, 'x'),
      (e: ApiError) => e.code === 400 && e.message === 'failed to create typed patch object (default/c; /v1, Kind=ConfigMap): .spec: field not declared in schema');
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'w' },
      spec: { replicas: 'two', template: { spec: { containers: [{ image: 'x' }, { name: 'a' }, { name: 'a' }] } } } };
    assert.throws(() => recordApply(scope(StatefulSets), undefined, sts, 'x', false),
      (e: ApiError) => e.code === 400 && e.message.includes('errors:\n  .spec.replicas: expected numeric (int or float), got string\n')
        && e.message.includes('.spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name"'));
  });

  it('applies status only through /status', () => {
    const sts = (replicas: number) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'w' }, spec: { replicas }, status: { replicas: 3 } });
    const main = recordApply(scope(StatefulSets), undefined, sts(1), 'tool', false);
    assert.deepEqual(entry(main, 'tool').fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    const status = recordApply(scope(StatefulSets, undefined, 'status'), main as KubeObject, sts(9), 'ctl', false);
    assert.deepEqual(entry(status, 'ctl').fieldsV1, { 'f:status': { 'f:replicas': {} } });
    assert.equal(entry(status, 'ctl').subresource, 'status');
  });
});
