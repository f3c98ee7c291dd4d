// Deep nesting, the fuzz test's first 500: a body or patch nested a few thousand levels used to
// pass the decoder (Go's limit is 10 000) and then overflow the stack in patching or managed
// fields (500 Maximum call stack size exceeded; once a fatal V8 out-of-memory). Now every entry
// refuses nesting past MAX_DEPTH with 400 "exceeded max depth", and anything under it works.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_DEPTH } from '../../src/core/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { call } from '../api/http.js';

const REVS = '/apis/apps/v1/namespaces/default/controllerrevisions';
const deepJson = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('deeply nested bodies and patches', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
    assert.equal((await call(c, 'POST', REVS, JSON.stringify({ metadata: { name: 'rev' }, revision: 1, data: {} }))).status, 201);
  });
  after(async () => { await c?.stop(); });

  const patch = (type: string, body: string) => call(c, 'PATCH', `${REVS}/rev?dryRun=All&fieldManager=depth`, body, { 'Content-Type': `application/${type}` });
  const requests = (n: number) => ({
    'create json': () => call(c, 'POST', `${REVS}?dryRun=All`, `{"metadata":{"name":"d"},"revision":1,"data":${deepJson(n)}}`),
    'create array': () => call(c, 'POST', `${REVS}?dryRun=All`, `{"metadata":{"name":"d"},"revision":1,"data":{"x":${deepArray(n)}}}`),
    'create yaml': () => call(c, 'POST', `${REVS}?dryRun=All`, `metadata: {name: d}\nrevision: 1\ndata: {x: ${deepArray(n)}}\n`, { 'Content-Type': 'application/yaml' }),
    merge: () => patch('merge-patch+json', `{"metadata":{"labels":{"a":"b"}},"data":${deepJson(n)}}`),
    strategic: () => patch('strategic-merge-patch+json', `{"data":${deepJson(n)}}`),
    'json patch': () => patch('json-patch+json', `[{"op":"add","path":"/data/x","value":${deepJson(n)}}]`),
    apply: () => patch('apply-patch+yaml', `{"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"rev"},"revision":1,"data":${deepJson(n)}}`),
  });

  for (const n of [MAX_DEPTH + 1, 5000, 200_000]) {
    it(`refuses ${n} levels with 400 exceeded max depth, on every path`, async () => {
      for (const [what, send] of Object.entries(requests(n))) {
        const r = await send();
        assert.equal(r.status, 400, `${what}: ${r.status} ${r.text.slice(0, 300)}`);
        assert.equal(r.json?.reason, 'BadRequest', what);
        assert.match(r.json?.message, /exceeded max depth/, what);
      }
    });
  }

  it(`accepts nesting under the limit (${MAX_DEPTH - 20} levels) wherever the kind allows raw JSON`, async () => {
    for (const [what, send] of Object.entries(requests(MAX_DEPTH - 20))) {
      const r = await send();
      // ControllerRevision data is immutable, so the patches end in 422 (or 409 for the apply's
      // conflict with the creator); what matters is that they get that far.
      assert.ok([201, 409, 422].includes(r.status), `${what}: ${r.status} ${r.text.slice(0, 300)}`);
    }
    assert.equal((await call(c, 'GET', '/readyz')).text, 'ok');
  });
});
