// List pagination and watch semantics on the wire: resourceVersion resume, selectors on watch,
// bookmarks, timeoutSeconds, and 410 Gone once history is compacted.
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { call } from './http.js';

const CMS = '/api/v1/namespaces/default/configmaps';

/** Opens a watch and collects its JSON lines until `until` says stop or the server ends it. */
function watch(c: TestCluster, path: string, until: (events: any[]) => boolean, timeoutMs = 10_000): Promise<{ events: any[]; ended: boolean }> {
  const url = new URL(path, c.server);
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    let buf = '';
    const req = request({
      host: url.hostname, port: url.port, path: url.pathname + url.search, ca: c.credentials.ca.certPem,
      headers: { Authorization: `Bearer ${c.credentials.adminToken}` },
    }, (res) => {
      res.on('data', (chunk) => {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
        if (until(events)) { clearTimeout(timer); req.destroy(); resolve({ events, ended: false }); }
      });
      res.on('end', () => { clearTimeout(timer); resolve({ events, ended: true }); });
    });
    const timer = setTimeout(() => { req.destroy(); reject(new Error(`watch timed out with ${JSON.stringify(events)}`)); }, timeoutMs);
    req.on('error', (e) => { if (!req.destroyed) reject(e); });
    req.end();
  });
}

const cm = (name: string, labels: Record<string, string> = {}) => JSON.stringify({ metadata: { name, labels }, data: { k: name } });

describe('list and watch', () => {
  let c: TestCluster;
  before(async () => { c = await startTestCluster(); });
  after(async () => { await c?.stop(); });

  it('paginates with limit and continue at one consistent revision', async () => {
    for (let i = 0; i < 7; i++) assert.equal((await call(c, 'POST', CMS, cm(`page-${i}`, { page: 'yes' }))).status, 201);
    const names: string[] = [];
    let cont = '';
    let rv = '';
    let pages = 0;
    do {
      const r = await call(c, 'GET', `${CMS}?labelSelector=page%3Dyes&limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      if (rv) assert.equal(r.json.metadata.resourceVersion, rv, 'every page is read at the first page\'s revision');
      rv = r.json.metadata.resourceVersion;
      names.push(...r.json.items.map((i: any) => i.metadata.name));
      cont = r.json.metadata.continue ?? '';
      if (pages === 0) assert.equal((await call(c, 'POST', CMS, cm('page-late', { page: 'yes' }))).status, 201);
      pages++;
    } while (cont);
    assert.equal(pages, 3);
    assert.deepEqual(names, [0, 1, 2, 3, 4, 5, 6].map((i) => `page-${i}`), 'the object created mid-way is not in the snapshot');
  });

  it('resumes from a resourceVersion and honours selectors on watch', async () => {
    const list = await call(c, 'GET', CMS);
    const rv = list.json.metadata.resourceVersion;
    const done = watch(c, `${CMS}?watch=true&resourceVersion=${rv}&labelSelector=team%3Dblue`, (ev) => ev.some((e) => e.type === 'DELETED'));
    await new Promise((r) => setTimeout(r, 100));
    await call(c, 'POST', CMS, cm('w-red', { team: 'red' }));
    await call(c, 'POST', CMS, cm('w-blue', { team: 'blue' }));
    const blue = (await call(c, 'GET', `${CMS}/w-blue`)).json;
    await call(c, 'PUT', `${CMS}/w-blue`, JSON.stringify({ ...blue, data: { k: 'changed' } }));
    await call(c, 'PUT', `${CMS}/w-blue`, JSON.stringify({ ...blue, metadata: { ...blue.metadata, resourceVersion: undefined, labels: { team: 'red' } } }));
    const { events } = await done;
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED w-blue', 'MODIFIED w-blue', 'DELETED w-blue'],
      'leaving the selector shows up as DELETED; objects outside it never appear');
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual([...rvs].sort((a, b) => a - b), rvs, 'events come in revision order');
    assert.ok(rvs[0] > Number(rv));
  });

  it('sends the current state first for resourceVersion 0, and ends at timeoutSeconds', async () => {
    const { events, ended } = await watch(c, `${CMS}?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dpage-1&timeoutSeconds=1`, () => false);
    assert.equal(ended, true, 'the server closed the stream after timeoutSeconds');
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED page-1']);
  });

  it('sends bookmarks when asked', async () => {
    const path = `${CMS}?watch=true&resourceVersion=0&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&labelSelector=page%3Dyes`;
    const { events } = await watch(c, path, (ev) => ev.some((e) => e.type === 'BOOKMARK'));
    const mark = events.find((e) => e.type === 'BOOKMARK');
    assert.equal(mark.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    assert.equal(events.filter((e) => e.type === 'ADDED').length, 8);
  });

  it('answers 410 Gone for a compacted resourceVersion', async () => {
    const old = Number((await call(c, 'GET', CMS)).json.metadata.resourceVersion);
    for (let i = 0; i < 3; i++) await call(c, 'POST', CMS, cm(`compact-${i}`));
    await c.store.compact(await c.store.currentRevision());
    const { events } = await watch(c, `${CMS}?watch=true&resourceVersion=${old}`, (ev) => ev.length > 0);
    assert.equal(events[0].type, 'ERROR');
    assert.equal(events[0].object.code, 410);
    assert.equal(events[0].object.reason, 'Expired');
    const r = await call(c, 'GET', `${CMS}?limit=2&resourceVersion=${old}&resourceVersionMatch=Exact`);
    assert.equal(r.status, 410, r.text);
  });
});

describe('/metrics', () => {
  it('reports requests, open watches, store size and controller queues in Prometheus format', async () => {
    const { controllerManager } = await import('../../src/cluster/index.js');
    const { silentLogger } = await import('../../src/controller-runtime/index.js');
    const c = await startTestCluster({ components: (dir) => [controllerManager({ localPathRoot: join(dir, 'volumes'), logger: silentLogger })] });
    try {
      await call(c, 'GET', CMS);
      const anon = await call(c, 'GET', '/metrics', undefined, {}, null);
      assert.equal(anon.status, 401);
      const m = await call(c, 'GET', '/metrics');
      assert.equal(m.status, 200);
      assert.match(m.text, /^apiserver_request_total\{verb="list",resource="configmaps",code="200"\} [1-9]/m);
      assert.match(m.text, /^apiserver_request_duration_seconds_bucket\{le="0\.005",verb="list",resource="configmaps"\} /m);
      assert.match(m.text, /^apiserver_storage_size_bytes [1-9]\d*/m);
      assert.match(m.text, /^apiserver_registered_watchers\{resource="namespaces"\} [1-9]/m, 'the controllers watch namespaces');
      assert.match(m.text, /^workqueue_depth\{name="namespace"\} \d+/m);
    } finally {
      await c.stop();
    }
  });
});
