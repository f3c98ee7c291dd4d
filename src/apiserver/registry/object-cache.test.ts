// The registry's object cache: one decoded, frozen object per key and revision, and updates
// that start from a cached object which another writer has made stale (two API servers on one
// store, each with a cache of its own, stand in for a write the cache has not seen yet).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError, ConfigMaps, type KubeObject } from '../../core/index.js';
import { startTestCluster, type TestCluster } from '../../testing/index.js';
import { createApiServer, type ApiServer } from '../server.js';
import { ObjectCache } from './object-cache.js';

const user = { name: 'test', groups: ['system:masters'] };
const cm = (name: string, data: Record<string, string> = { k: name }): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });
const kv = (key: string, rev: number, obj: object) =>
  ({ key, value: new TextEncoder().encode(JSON.stringify(obj)), createRevision: 1, modRevision: rev });

describe('ObjectCache', () => {
  it('decodes a revision once, frozen, and never lets an older revision replace a newer one', () => {
    const cache = new ObjectCache();
    const v2 = kv('/k', 2, { metadata: { name: 'a' }, data: { v: '2' } });
    const first = cache.decode(ConfigMaps, v2);
    assert.equal(cache.decode(ConfigMaps, { ...v2 }), first);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.metadata));
    assert.equal(first.metadata!.resourceVersion, '2');
    const old = cache.decode(ConfigMaps, kv('/k', 1, { metadata: { name: 'a' }, data: { v: '1' } }));
    assert.equal((old as { data: { v: string } }).data.v, '1');
    assert.equal(cache.latest(ConfigMaps, '/k')?.object, first);
    assert.equal(cache.latest(ConfigMaps, '/k')?.revision, 2);
    cache.forget('/k', 1);
    assert.equal(cache.latest(ConfigMaps, '/k')?.revision, 2, 'a delete older than the entry leaves it');
    cache.forget('/k', 2);
    assert.equal(cache.latest(ConfigMaps, '/k'), undefined);
  });
});

describe('registry updates from a cached object', () => {
  let c: TestCluster;
  let other: ApiServer;
  before(async () => {
    c = await startTestCluster();
    other = createApiServer({ store: c.api.registry.store, tokens: [] });
  });
  after(async () => { await other.close(); await c.stop(); });

  /** Creates through `other` (which caches the result), then changes it through the cluster. */
  async function staleInOther(name: string): Promise<{ created: KubeObject; newer: KubeObject }> {
    const created = await other.registry.create(ConfigMaps, 'default', cm(name), { user });
    const newer = await c.api.registry.guaranteedUpdate(ConfigMaps, 'default', name, (o) => {
      (o as { data: Record<string, string> }).data.by = 'cluster';
      return o;
    }, { user });
    assert.notEqual(newer.metadata!.resourceVersion, created.metadata!.resourceVersion);
    assert.equal(other.registry.objects.latest(ConfigMaps, '/registry/core/configmaps/default/' + name)?.object, created,
      'the other registry still holds the old revision');
    return { created, newer };
  }

  it('a stale cached object loses the compare-and-swap and the update reruns on the newest', async () => {
    const { newer } = await staleInOther('cas');
    const out = await other.registry.guaranteedUpdate(ConfigMaps, 'default', 'cas', (o) => {
      (o as { data: Record<string, string> }).data.also = 'other';
      return o;
    }, { user });
    assert.deepEqual((out as { data: object }).data, { k: 'cas', by: 'cluster', also: 'other' });
    assert.ok(Number(out.metadata!.resourceVersion) > Number(newer.metadata!.resourceVersion));
  });

  it('an error caused by a stale cached object is not reported; the newest decides', async () => {
    await staleInOther('err');
    const out = await other.registry.guaranteedUpdate(ConfigMaps, 'default', 'err', (o) => {
      const data = (o as { data: Record<string, string> }).data;
      if (data.by !== 'cluster') throw new ApiError(409, 'Conflict', 'saw a stale object');
      data.seen = 'yes';
      return o;
    }, { user });
    assert.equal((out as { data: Record<string, string> }).data.seen, 'yes');
  });

  it('a no-op against a stale cached object is checked against the newest before it is answered', async () => {
    const { created, newer } = await staleInOther('noop');
    // Writing back the old content is a real change against the newest version.
    const out = await other.registry.update(ConfigMaps, 'default', 'noop', { ...cm('noop'), metadata: { name: 'noop', namespace: 'default' } }, { user });
    assert.deepEqual((out as { data: object }).data, (created as { data: object }).data);
    assert.ok(Number(out.metadata!.resourceVersion) > Number(newer.metadata!.resourceVersion));
  });

  it('a dry run answers from the newest version, not from a stale cached one', async () => {
    const { newer } = await staleInOther('dry');
    const out = await other.registry.guaranteedUpdate(ConfigMaps, 'default', 'dry', (o) => {
      (o as { data: Record<string, string> }).data.dry = 'run';
      return o;
    }, { user, dryRun: true });
    assert.deepEqual((out as { data: object }).data, { k: 'dry', by: 'cluster', dry: 'run' });
    assert.equal(out.metadata!.resourceVersion, newer.metadata!.resourceVersion);
  });

  it('a precondition on the stale version is a conflict, not a silent overwrite', async () => {
    const { created } = await staleInOther('pre');
    const body = { ...cm('pre', { k: 'mine' }), metadata: { name: 'pre', namespace: 'default', resourceVersion: created.metadata!.resourceVersion } };
    await assert.rejects(other.registry.update(ConfigMaps, 'default', 'pre', body, { user }, true),
      (e: ApiError) => e.code === 409 && /the object has been modified/.test(e.message));
    const now = await c.api.registry.get(ConfigMaps, 'default', 'pre');
    assert.equal((now as { data: Record<string, string> }).data.by, 'cluster');
  });

  it('hands out the same frozen object to the writer and to watches', async () => {
    const list = await c.client.list(ConfigMaps, { namespace: 'default' });
    const ac = new AbortController();
    const events = c.api.registry.store.watch('/registry/core/configmaps/default/', Number(list.metadata.resourceVersion), ac.signal);
    const written = await c.api.registry.create(ConfigMaps, 'default', cm('shared'), { user });
    for await (const ev of events) {
      assert.equal(ev.type, 'put');
      if (ev.type === 'put') assert.equal(c.api.registry.objects.decode(ConfigMaps, ev.kv), written);
      break;
    }
    ac.abort();
    assert.ok(Object.isFrozen(written));
  });
});
