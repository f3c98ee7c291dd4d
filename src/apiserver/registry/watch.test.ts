// Registry watches over a real API server (in-memory SQLite): periodic bookmarks, and delivered
// events are not kept alive by the watch that delivered them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConfigMaps, type KubeObject } from '../../core/index.js';
import { startTestCluster, type TestCluster } from '../../testing/index.js';
import type { WatchEvent } from '../request.js';
import { watchCollection } from './watch.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const cm = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { k: name } });

describe('registry watch', () => {
  let c: TestCluster;
  before(async () => { c = await startTestCluster(); });
  after(async () => { await c.stop(); });

  it('sends a bookmark at the last delivered revision on every interval, between events', async () => {
    const from = (await c.client.list(ConfigMaps, { namespace: 'default' })).metadata.resourceVersion!;
    const ac = new AbortController();
    const it = watchCollection(c.api.registry, ConfigMaps, 'default', { resourceVersion: from, allowBookmarks: true, bookmarkIntervalMs: 20, signal: ac.signal });
    const seen: WatchEvent[] = [];
    try {
      await c.client.create(ConfigMaps, cm('bm-1'));
      for await (const ev of it) {
        seen.push(ev);
        if (seen.filter((e) => e.type === 'BOOKMARK').length >= 2) break;
      }
    } finally {
      ac.abort();
    }
    assert.equal(seen[0]!.type, 'ADDED');
    const rv = seen[0]!.object.metadata!.resourceVersion;
    const marks = seen.filter((e) => e.type === 'BOOKMARK');
    assert.equal(marks.length, 2);
    for (const m of marks) assert.equal(m.object.metadata!.resourceVersion, rv);
  });

  it('lets delivered events go (a bookmark watch holds no event it already handed out; recent ones stay bounded)', async () => {
    const from = (await c.client.list(ConfigMaps, { namespace: 'default' })).metadata.resourceVersion!;
    const ac = new AbortController();
    // A long interval: the old implementation kept every event alive until its timer fired.
    const it = watchCollection(c.api.registry, ConfigMaps, 'default', { resourceVersion: from, allowBookmarks: true, bookmarkIntervalMs: 3_600_000, signal: ac.signal });
    const refs: WeakRef<object>[] = [];
    const N = 20;
    try {
      for (let i = 0; i < N; i++) await c.client.create(ConfigMaps, cm(`gone-${i}`));
      // Pulled by hand so the watch stays open (and its bookmark timer pending) while collecting.
      for (let i = 0; i < N; i++) {
        const r = await it.next();
        assert.equal(r.done, false);
        refs.push(new WeakRef((r.value as WatchEvent).object));
      }
      // The store keeps its most recent events for watches catching up, the registry the objects
      // it wrote last: push these out of both (more writes than either keeps).
      for (let i = 0; i < 1100; i++) await c.client.create(ConfigMaps, cm(`filler-${i}`));
      await new Promise((r) => setImmediate(r));
      gc();
      await new Promise((r) => setImmediate(r));
      gc();
    } finally {
      ac.abort();
      await it.return(undefined);
    }
    const alive = refs.filter((r) => r.deref() !== undefined).length;
    assert.equal(refs.length, N);
    assert.ok(alive <= 1, `${alive} of ${N} delivered events still reachable`);
  });
});
