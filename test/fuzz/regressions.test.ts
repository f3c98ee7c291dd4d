// Minimal reproducers of server errors the fuzz test found, kept as plain tests:
// - an Event named with '/' (or a lone surrogate) reached the store and came back as 500
//   "store key is not well-formed UTF-16": upstream runs the path-segment name check on every
//   kind (events included), and its JSON decoder turns a lone surrogate escape into U+FFFD;
// - a JSON patch moving the document root into /kind built a cycle: 500 "Converting circular
//   structure to JSON"; upstream's json-patch refuses a move or copy from the root, or into the
//   moved value's own subtree (422).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { call } from '../api/http.js';

const EVENTS = '/api/v1/namespaces/default/events';
const event = (name: string) => JSON.stringify({
  metadata: { name }, reason: 'R', message: 'm', involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
});

describe('fuzz regressions', () => {
  let c: TestCluster;
  before(async () => { c = await startTestCluster(); });
  after(async () => { await c?.stop(); });

  it('refuses Event names that are not one path segment, with 422 naming metadata.name', async () => {
    for (const [name, why] of [['a/b', "may not contain '/'"], ['50%', "may not contain '%'"], ['..', "may not be '..'"]]) {
      const r = await call(c, 'POST', EVENTS, event(name));
      assert.equal(r.status, 422, `${name}: ${r.text}`);
      assert.equal(r.json.reason, 'Invalid');
      assert.deepEqual(r.json.details.causes.map((x: { field: string }) => x.field), ['metadata.name']);
      assert.ok(r.json.message.includes(why), r.json.message);
    }
    // Anything else goes, as upstream: v1 events have no name format beyond that.
    const loose = await call(c, 'POST', EVENTS, event('Web-0.Äpfel_1'));
    assert.equal(loose.status, 201, loose.text);
  });

  it('refuses a JSON patch that moves a value into itself, or from the root, with 422', async () => {
    const CMS = '/api/v1/namespaces/default/configmaps';
    assert.equal((await call(c, 'POST', CMS, '{"metadata":{"name":"jp"},"data":{"a":"1"}}')).status, 201);
    for (const ops of [
      [{ op: 'move', path: '/kind', from: '' }], [{ op: 'copy', path: '/data/x', from: '' }], [{ op: 'move', path: '/data/a/b', from: '/data' }],
    ]) {
      const r = await call(c, 'PATCH', `${CMS}/jp`, JSON.stringify(ops), { 'Content-Type': 'application/json-patch+json' });
      assert.equal(r.status, 422, `${JSON.stringify(ops)}: ${r.text}`);
      assert.match(r.json.message, /operation does not apply: doc is missing (from|destination) path/);
    }
    const ok = await call(c, 'PATCH', `${CMS}/jp`, '[{"op":"move","path":"/data/b","from":"/data/a"}]', { 'Content-Type': 'application/json-patch+json' });
    assert.deepEqual(ok.json.data, { b: '1' });
  });

  it('stores a lone surrogate escape as U+FFFD, as Go decodes it', async () => {
    const r = await call(c, 'POST', EVENTS, '{"metadata":{"name":"x\\udf9c"},"reason":"R","message":"m\\ud800","involvedObject":{"kind":"Pod","name":"p","namespace":"default"}}');
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.metadata.name, 'x\ufffd');
    assert.equal(r.json.message, 'm\ufffd');
    const cm = await call(c, 'POST', '/api/v1/namespaces/default/configmaps', '{"metadata":{"name":"s"},"data":{"k":"\\udc00\\ud83d\\ude00"}}');
    assert.equal(cm.status, 201, cm.text);
    assert.equal(cm.json.data.k, '\ufffd😀', 'a well-formed pair stays');
    const got = await call(c, 'GET', `${EVENTS}/${encodeURIComponent('x\ufffd')}`);
    assert.equal(got.status, 200, got.text);
  });
});
