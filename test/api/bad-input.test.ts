// Bad input of every kind gets a 4xx metav1.Status a user can act on; the server keeps serving
// and nothing is half-written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { call, type Reply } from './http.js';

function status(r: Reply, code: number, reason: string, message?: RegExp): void {
  assert.equal(r.status, code, `expected ${code} ${reason}, got ${r.status}: ${r.text}`);
  assert.equal(r.json?.kind, 'Status', r.text);
  assert.equal(r.json?.apiVersion, 'v1');
  assert.equal(r.json?.status, 'Failure');
  assert.equal(r.json?.reason, reason, r.text);
  assert.equal(r.json?.code, code);
  if (message) assert.match(r.json.message, message);
}

const CMS = '/api/v1/namespaces/default/configmaps';
const STS = '/apis/apps/v1/namespaces/default/statefulsets';

describe('bad input', () => {
  let c: TestCluster;
  let baseline: number;
  before(async () => {
    c = await startTestCluster();
    baseline = (await call(c, 'GET', CMS)).json.items.length;
  });
  after(async () => { await c?.stop(); });

  it('refuses anonymous and wrong-token requests with 401 but serves /version and health', async () => {
    status(await call(c, 'GET', CMS, undefined, {}, null), 401, 'Unauthorized');
    status(await call(c, 'GET', CMS, undefined, {}, 'not-a-token'), 401, 'Unauthorized');
    const v = await call(c, 'GET', '/version', undefined, {}, null);
    assert.equal(v.status, 200);
    assert.equal(v.json.minor, '33');
    assert.equal(v.headers['cache-control'], 'no-cache, private');
    assert.equal((await call(c, 'GET', '/readyz', undefined, {}, null)).text, 'ok');
  });

  it('rejects malformed JSON, wrong types and unknown fields', async () => {
    status(await call(c, 'POST', CMS, '{"metadata": {"name": "x"'), 400, 'BadRequest', /json|JSON/);
    status(await call(c, 'POST', CMS, '[1,2,3]'), 400, 'BadRequest');
    status(await call(c, 'POST', CMS, ''), 400, 'BadRequest');
    status(await call(c, 'POST', STS, JSON.stringify({ metadata: { name: 'x' }, spec: { replicas: 'three' } })), 400, 'BadRequest',
      /cannot unmarshal string into Go struct field StatefulSetSpec\.spec\.replicas of type int32/);
    status(await call(c, 'POST', `${CMS}?fieldValidation=Strict`, JSON.stringify({ metadata: { name: 'x' }, bogus: 1 })), 400, 'BadRequest',
      /strict decoding error: unknown field "bogus"/);
    status(await call(c, 'POST', `${CMS}?fieldValidation=Strict`, '{"metadata":{"name":"x","name":"y"}}'), 400, 'BadRequest',
      /duplicate field "metadata\.name"/);
    const warned = await call(c, 'POST', `${CMS}?fieldValidation=Warn&dryRun=All`, JSON.stringify({ metadata: { name: 'warned' }, bogus: 1 }));
    assert.equal(warned.status, 201);
    assert.match(String(warned.headers.warning), /299 - "unknown field \\"bogus\\""/);
    status(await call(c, 'POST', `${CMS}?fieldValidation=Sometimes`, '{}'), 400, 'BadRequest', /fieldValidation/);
    status(await call(c, 'POST', CMS, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 400, 'BadRequest');
  });

  it('rejects invalid objects with field causes', async () => {
    const r = await call(c, 'POST', CMS, JSON.stringify({ metadata: { name: 'Not_A_Name' } }));
    status(r, 422, 'Invalid', /^ConfigMap "Not_A_Name" is invalid: metadata\.name: Invalid value: "Not_A_Name": a lowercase RFC 1123 subdomain/);
    assert.deepEqual(r.json.details.causes.map((x: { field: string }) => x.field), ['metadata.name']);
    assert.equal(r.json.details.kind, 'ConfigMap');
    const sts = await call(c, 'POST', STS, JSON.stringify({
      metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    }));
    status(sts, 422, 'Invalid', /StatefulSet\.apps "web" is invalid: spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
    status(await call(c, 'POST', CMS, JSON.stringify({ metadata: {} })), 422, 'Invalid', /name or generateName is required/);
  });

  it('rejects a body whose namespace or kind differs from the URL', async () => {
    status(await call(c, 'POST', CMS, JSON.stringify({ metadata: { name: 'x', namespace: 'kube-system' } })), 400, 'BadRequest',
      /does not match the namespace/);
    status(await call(c, 'POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })), 400, 'BadRequest');
    status(await call(c, 'POST', '/api/v1/namespaces/nope/configmaps', JSON.stringify({ metadata: { name: 'x' } })), 404, 'NotFound',
      /namespaces "nope" not found/);
  });

  it('rejects bodies over 3 MiB with 413', async () => {
    const big = JSON.stringify({ metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    status(await call(c, 'POST', CMS, big), 413, 'RequestEntityTooLarge', /limit is 3145728/);
    const justUnder = JSON.stringify({ metadata: { name: 'big' }, data: { a: 'x'.repeat(1024 * 1024 + 10) } });
    status(await call(c, 'POST', CMS, justUnder), 422, 'Invalid', /must have at most 1048576 bytes|Too long/);
  });

  it('answers unknown resources, versions and methods', async () => {
    status(await call(c, 'GET', '/api/v1/namespaces/default/widgets'), 404, 'NotFound');
    status(await call(c, 'GET', '/apis/apps/v2/namespaces/default/statefulsets'), 404, 'NotFound');
    status(await call(c, 'GET', '/apis/nonsense.io/v1/things'), 404, 'NotFound');
    status(await call(c, 'PUT', CMS, '{}'), 405, 'MethodNotAllowed');
    status(await call(c, 'PATCH', `${CMS}/x`, '{}', { 'Content-Type': 'text/plain' }), 415, 'UnsupportedMediaType');
  });

  it('rejects bad selectors and parameters', async () => {
    status(await call(c, 'GET', `${CMS}?labelSelector=${encodeURIComponent('a in (b')}`), 400, 'BadRequest');
    status(await call(c, 'GET', `${CMS}?labelSelector=${encodeURIComponent('a@b=c')}`), 400, 'BadRequest');
    status(await call(c, 'GET', `${CMS}?fieldSelector=spec.nodeName%3Dx`), 400, 'BadRequest', /not a known field selector/);
    status(await call(c, 'GET', '/api/v1/pods?fieldSelector=spec.bogus%3Dx'), 400, 'BadRequest', /field label not supported: spec\.bogus/);
    status(await call(c, 'GET', `${CMS}?limit=abc`), 400, 'BadRequest');
    status(await call(c, 'GET', `${CMS}?continue=garbage`), 400, 'BadRequest', /continue/);
    status(await call(c, 'GET', `${CMS}?resourceVersion=abc`), 400, 'BadRequest');
    status(await call(c, 'GET', `${CMS}?watch=true&resourceVersion=abc`), 400, 'BadRequest');
    status(await call(c, 'POST', `${CMS}?dryRun=Some`, '{"metadata":{"name":"x"}}'), 400, 'BadRequest');
  });

  it('detects conflicting updates and bad preconditions', async () => {
    const created = await call(c, 'POST', CMS, JSON.stringify({ metadata: { name: 'cas' }, data: { v: '1' } }));
    assert.equal(created.status, 201);
    const first = await call(c, 'PUT', `${CMS}/cas`, JSON.stringify({ ...created.json, data: { v: '2' } }));
    assert.equal(first.status, 200);
    const stale = await call(c, 'PUT', `${CMS}/cas`, JSON.stringify({ ...created.json, data: { v: '3' } }));
    status(stale, 409, 'Conflict', /Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again/);
    status(await call(c, 'PUT', `${CMS}/other`, JSON.stringify({ ...first.json })), 400, 'BadRequest', /does not match the name on the URL/);
    status(await call(c, 'DELETE', `${CMS}/cas`, JSON.stringify({ preconditions: { uid: 'wrong' } })), 409, 'Conflict', /Precondition failed: UID in precondition: wrong/);
    status(await call(c, 'DELETE', `${CMS}/cas`, JSON.stringify({ propagationPolicy: 'Sideways' })), 422, 'Invalid', /propagationPolicy/);
    const after = await call(c, 'GET', `${CMS}/cas`);
    assert.equal(after.json.data.v, '2', 'the failed writes changed nothing');
  });

  it('survives warnings and paths that are not plain ASCII', async () => {
    const r = await call(c, 'POST', `${CMS}?dryRun=All`, JSON.stringify({ metadata: { name: 'utf' }, 名前: 1 }));
    assert.equal(r.status, 201, r.text);
    assert.match(String(r.headers.warning), /unknown field \\"\\u540d\\u524d\\"/);
    status(await call(c, 'GET', '/api/v1/namespaces/default/pods/%ZZ'), 400, 'BadRequest', /invalid URL escape/);
  });

  it('keeps serving and wrote nothing half-way', async () => {
    const list = await call(c, 'GET', CMS);
    assert.equal(list.status, 200);
    const names = list.json.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    assert.deepEqual(names.filter((n: string) => n !== 'cas' && n !== 'kube-root-ca.crt'), [], `unexpected objects: ${names}`);
    assert.equal(list.json.items.length - baseline, 1);
  });
});
