// A large StatefulSet behind one headless Service: the endpoint controllers write O(pods) times,
// not O(pods²), and the slices are packed as upstream packs them (at most 100 to a slice).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Endpoints as EndpointsType, EndpointSlices, Services, StatefulSets } from '../../src/core/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually } from './helpers.js';
import { endpointIPs, endpointsOf, slicesOf, startEndpointsCluster } from './services-endpoints-support.js';

// BERTH_SCALE_PODS=1000 runs the full-size case (about a minute); 300 keeps the default run short.
const PODS = Number(process.env.BERTH_SCALE_PODS ?? 300);

/** Counts ADDED/MODIFIED events of one kind in the default namespace until stop(). */
function countWrites(c: TestCluster, type: typeof EndpointSlices | typeof EndpointsType): { count(): number; stop(): void } {
  const abort = new AbortController();
  let n = 0;
  void (async () => {
    const list = await c.client.list(type, { namespace: 'default' });
    for await (const ev of c.client.watch(type, { namespace: 'default', resourceVersion: list.metadata.resourceVersion ?? '0' }, abort.signal)) {
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED') n++;
    }
  })().catch(() => {});
  return { count: () => n, stop: () => abort.abort() };
}

describe(`endpoint controllers at scale (${PODS}-pod StatefulSet)`, () => {
  let c: TestCluster;
  before(async () => { c = await startEndpointsCluster(2); });
  after(async () => { await c?.stop(); });

  it('writes each kind a number of times linear in the pods, and packs at most 100 to a slice', { timeout: 240_000 }, async () => {
    const slices = countWrites(c, EndpointSlices);
    const endpoints = countWrites(c, EndpointsType);
    try {
      await c.client.create(Services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'big', namespace: 'default' },
        spec: { clusterIP: 'None', selector: { app: 'big' }, ports: [{ name: 'web', port: 80 }] } });
      await c.client.create(StatefulSets, {
        apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'big', namespace: 'default' },
        spec: {
          serviceName: 'big', replicas: PODS, podManagementPolicy: 'Parallel', selector: { matchLabels: { app: 'big' } },
          template: { metadata: { labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.9.1' }] } },
        },
      });
      await eventually(async () => endpointIPs(await endpointsOf(c, 'big')).ready.length === PODS, `${PODS} ready addresses`, 200_000);
      const final = await eventually(async () => {
        const s = await slicesOf(c, 'big');
        return s.reduce((n, x) => n + x.endpoints.filter((e) => e.conditions?.ready).length, 0) === PODS ? s : undefined;
      }, `${PODS} ready slice endpoints`, 60_000);
      // Upstream's packing (reconcileByPortMapping): new endpoints go first into slices that
      // change anyway, then into one unchanged slice they fit into entirely, else into new
      // slices; it never repacks. How full the slices end up after a burst therefore depends on
      // how the pod changes were batched into syncs: no slice above 100, and far fewer slices
      // than a slice per few pods (at most twice what a perfect packing needs).
      const sizes = final.map((s) => s.endpoints.length);
      assert.ok(sizes.every((n) => n > 0 && n <= 100), `slice sizes ${sizes.join(',')}`);
      assert.equal(sizes.reduce((a, b) => a + b, 0), PODS);
      assert.ok(sizes.length <= 2 * Math.ceil(PODS / 100), `${sizes.length} slices for ${PODS} endpoints: ${sizes.join(',')}`);
      const hostnames = new Set(final.flatMap((s) => s.endpoints.map((e) => e.hostname)));
      assert.equal(hostnames.size, PODS, 'every pod has its own hostname');
    } finally {
      slices.stop();
      endpoints.stop();
    }
    // Each pod changes what the endpoints say a few times (IP, Ready): writes stay a small multiple of
    // the pods. Writing per pod event with every endpoint each time would still be linear in writes;
    // the quadratic failure mode (rewriting every slice per pod) would be ~PODS * slices.
    const s = slices.count(), e = endpoints.count();
    console.log(`# ${PODS} pods: ${s} EndpointSlice writes, ${e} Endpoints writes`);
    assert.ok(s <= 2 * PODS, `EndpointSlice writes ${s} > ${2 * PODS}`);
    assert.ok(e <= 2 * PODS, `Endpoints writes ${e} > ${2 * PODS}`);
  });
});
