import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_RESOURCES } from '../../core/index.js';
import { negotiate, openApiHandler, PROTOBUF_V2 } from './index.js';

type Doc = Record<string, any>;
const json = (body: string | Buffer): Doc => JSON.parse(body.toString()) as Doc;
const gvOf = (r: { group: string; version: string }) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`);

/** Every `$ref` in a document points at an existing entry of `defs` under `prefix`. */
function assertRefsResolve(doc: unknown, defs: Doc, prefix: string): number {
  let n = 0;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) { v.forEach(visit); return; }
    if (typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref') {
        assert.ok(typeof x === 'string' && x.startsWith(prefix), `bad ref ${String(x)}`);
        assert.ok(defs[(x as string).slice(prefix.length)], `unresolved ${String(x)}`);
        n++;
      } else visit(x);
    }
  };
  visit(doc);
  return n;
}

/** What cli-runtime's v3 query-param verifier looks for before it sends fieldValidation. */
function supportsFieldValidation(doc: Doc, gvk: { group: string; version: string; kind: string }): boolean {
  return Object.values(doc.paths as Doc).some((item: Doc) => {
    const op = item.patch as Doc | undefined;
    const g = op?.['x-kubernetes-group-version-kind'];
    return g && g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind &&
      (op!.parameters as Doc[]).some((p) => p.name === 'fieldValidation' && p.in === 'query');
  });
}

test('/openapi/v2 answers protobuf with an empty document, JSON with swagger 2.0', () => {
  const h = openApiHandler();
  for (const accept of ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', `${PROTOBUF_V2}, application/json;q=0.5`]) {
    const r = h('/openapi/v2', {}, accept)!;
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], PROTOBUF_V2);
    assert.equal(r.body.length, 0);
  }
  const r = h('/openapi/v2', {}, 'application/json')!;
  assert.equal(r.headers['Content-Type'], 'application/json');
  const doc = json(r.body);
  assert.equal(doc.swagger, '2.0');
  assert.ok(assertRefsResolve(doc, doc.definitions, '#/definitions/') > 500);
  const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}'].patch;
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'StatefulSet', version: 'v1' });
  assert.ok(patch.parameters.some((p: Doc) => p.name === 'fieldValidation' && p.in === 'query' && p.type === 'string'));
  assert.ok(patch.consumes.includes('application/strategic-merge-patch+json'));
  assert.equal(h('/openapi/v2', {}, 'application/json')!.body, r.body, 'built once');
});

test('/openapi/v3 lists every served group-version with a stable hash', () => {
  const h = openApiHandler();
  const root = json(h('/openapi/v3', {}, 'application/json, */*')!.body);
  const gvs = [...new Set(ALL_RESOURCES.map(gvOf))];
  assert.deepEqual(Object.keys(root.paths).sort(), gvs.sort());
  const again = json(openApiHandler()('/openapi/v3', {}, '')!.body);
  assert.deepEqual(again, root, 'hashes do not change between builds');
  for (const gv of gvs) {
    const url = new URL(root.paths[gv].serverRelativeURL, 'https://x');
    assert.equal(url.pathname, `/openapi/v3/${gv}`);
    assert.match(url.searchParams.get('hash')!, /^[0-9A-F]{128}$/);
    const r = h(url.pathname, { hash: url.searchParams.get('hash')!, timeout: '32s' }, 'application/json')!;
    assert.equal(r.status, 200);
    assert.equal(r.headers.ETag, `"${url.searchParams.get('hash')}"`);
    const stale = h(url.pathname, { hash: 'ABC' }, 'application/json')!;
    assert.equal(stale.status, 301);
    assert.equal(stale.headers.Location, root.paths[gv].serverRelativeURL);
  }
});

test('every v3 document resolves its refs and declares fieldValidation on PATCH for each kind', () => {
  const h = openApiHandler();
  for (const r of ALL_RESOURCES) {
    const doc = json(h(`/openapi/v3/${gvOf(r)}`, {}, 'application/json')!.body);
    assert.equal(doc.openapi, '3.0.0');
    const schemas = doc.components.schemas as Doc;
    assertRefsResolve(doc, schemas, '#/components/schemas/');
    assert.ok(supportsFieldValidation(doc, r), `${r.kind}: no PATCH with fieldValidation`);
    const withGvk = Object.values(schemas).filter((s: Doc) =>
      s['x-kubernetes-group-version-kind']?.some((g: Doc) => g.group === r.group && g.kind === r.kind && g.version === r.version));
    assert.equal(withGvk.length, 1, `${r.kind}: one schema with its GVK`);
    for (const sub of r.subresources.filter((s) => s === 'status' || s === 'scale')) {
      const base = r.namespaced ? `/${gvOf(r)}/namespaces/{namespace}/${r.plural}` : `/${gvOf(r)}/${r.plural}`;
      assert.ok(doc.paths[`${base}/{name}/${sub}`]?.patch, `${r.plural}/${sub}`);
    }
  }
  const apps = json(h('/openapi/v3/apis/apps/v1', {}, 'application/json')!.body);
  assert.ok(supportsFieldValidation(apps, { group: 'autoscaling', version: 'v1', kind: 'Scale' }));
  const spec = apps.components.schemas['io.k8s.api.apps.v1.StatefulSetSpec'];
  assert.equal(spec.properties.volumeClaimTemplates.items.$ref, '#/components/schemas/io.k8s.api.core.v1.PersistentVolumeClaim');
  assert.deepEqual(spec.properties.selector.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector' }]);
  assert.deepEqual(apps.components.schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf, [{ type: 'integer' }, { type: 'string' }]);
});

test('unknown paths are not ours; v3 has no protobuf form', () => {
  const h = openApiHandler();
  assert.equal(h('/openapi/v3/apis/batch/v1', {}, 'application/json'), undefined);
  assert.equal(h('/openapi/v4', {}, 'application/json'), undefined);
  assert.equal(h('/openapi/v3/api/v1', {}, 'application/com.github.proto-openapi.spec.v3.v1.0+protobuf')!.status, 406);
  assert.equal(negotiate(''), 'json');
  assert.equal(negotiate('text/html'), undefined);
  assert.equal(negotiate(`application/json;q=0.9, ${PROTOBUF_V2}`), 'protobuf');
  assert.equal(negotiate(`${PROTOBUF_V2};q=0, */*`), 'json');
});
