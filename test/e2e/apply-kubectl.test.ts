// kubectl apply against a real API server: client-side (last-applied annotation, strategic
// merge patches), server-side (managedFields, conflicts, --force-conflicts), the switch from
// one to the other (kubectl's migration of managedFields), and kubectl diff (dry-run patches).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { KUBECTL_VERSIONS, startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { SEED, fails, ok, writeManifest } from './helpers.js';

const SEED_STS = join(SEED, 'statefulset.yaml');
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The seed StatefulSet renamed and edited (volumeClaimTemplates dropped when `claims` is false). */
function variant(name: string, edit: { image?: string; replicas?: number; claims?: boolean } = {}): string {
  const sts = parse(readFileSync(SEED_STS, 'utf8'));
  sts.metadata.name = name;
  if (edit.image) sts.spec.template.spec.containers[0].image = edit.image;
  if (edit.replicas !== undefined) sts.spec.replicas = edit.replicas;
  if (edit.claims === false) {
    delete sts.spec.volumeClaimTemplates;
    delete sts.spec.template.spec.containers[0].volumeMounts;
  }
  return stringify(sts);
}

type Entry = { manager: string; operation: string; apiVersion: string; fieldsV1: Record<string, any>; subresource?: string };

for (const version of KUBECTL_VERSIONS) {
  describe(`kubectl 1.${version} apply`, () => {
    let cluster: TestCluster;
    let k: ReturnType<TestCluster['kubectl']>;
    const get = async (name: string) => JSON.parse(ok(await k(['get', 'sts', name, '-o', 'json', '--show-managed-fields'])));
    const managers = (obj: any) => (obj.metadata.managedFields as Entry[]).map((e) => `${e.manager}/${e.operation}`).sort();
    const file = (name: string, text: string) => writeManifest(cluster.dir, `${name}.yaml`, text);
    before(async () => {
      cluster = await startTestCluster();
      k = cluster.kubectl(version);
    });
    after(async () => { await cluster?.stop(); });

    it('applies the seed StatefulSet twice without writing it again', async () => {
      assert.match(ok(await k(['apply', '-f', SEED_STS])), /^statefulset\.apps\/web created$/m);
      const first = await get('web');
      assert.equal(JSON.parse(first.metadata.annotations[LAST_APPLIED]).spec.replicas, 2);
      assert.deepEqual(managers(first), ['kubectl-client-side-apply/Update']);
      // kubectl re-sends volumeClaimTemplates (an atomic list the server defaults into), so it
      // prints "configured" here as it does against upstream; the server stores nothing new.
      assert.match(ok(await k(['apply', '-f', SEED_STS])), /^statefulset\.apps\/web (configured|unchanged)$/m);
      const second = await get('web');
      assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
      assert.equal(second.metadata.generation, 1);
    });

    it('prints unchanged when nothing differs, configured and stores a changed image and replicas', async () => {
      const path = file('plain', variant('plain', { claims: false }));
      assert.match(ok(await k(['apply', '-f', path])), /^statefulset\.apps\/plain created$/m);
      assert.match(ok(await k(['apply', '-f', path])), /^statefulset\.apps\/plain unchanged$/m);
      const before1 = await get('plain');
      const changed = file('plain', variant('plain', { claims: false, image: 'nginx:1.10', replicas: 3 }));
      assert.match(ok(await k(['apply', '-f', changed])), /^statefulset\.apps\/plain configured$/m);
      const after1 = await get('plain');
      assert.equal(after1.spec.replicas, 3);
      assert.equal(after1.spec.template.spec.containers[0].image, 'nginx:1.10');
      assert.equal(after1.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent', 'defaults survive the patch');
      assert.equal(after1.metadata.generation, before1.metadata.generation + 1);
      assert.equal(JSON.parse(after1.metadata.annotations[LAST_APPLIED]).spec.template.spec.containers[0].image, 'nginx:1.10');
      assert.match(ok(await k(['apply', '-f', changed])), /^statefulset\.apps\/plain unchanged$/m);
    });

    it('applies server-side: creates, records the applier, is a no-op when repeated', async () => {
      // Without volumeClaimTemplates: re-applying an atomic list the server defaults into
      // counts as a change (a new managedFields time), as it does upstream.
      const path = file('ssa', variant('ssa', { claims: false }));
      assert.match(ok(await k(['apply', '--server-side', '-f', path])), /^statefulset\.apps\/ssa serverside-applied$/m);
      const obj = await get('ssa');
      const entry = (obj.metadata.managedFields as Entry[]).find((e) => e.manager === 'kubectl')!;
      assert.equal(entry.operation, 'Apply');
      assert.ok(entry.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"nginx"}']['f:image']);
      assert.equal(entry.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"nginx"}']['f:imagePullPolicy'], undefined,
        'defaults are nobody\'s');
      assert.equal(obj.metadata.annotations?.[LAST_APPLIED], undefined);
      assert.match(ok(await k(['apply', '--server-side', '-f', path])), /serverside-applied/);
      assert.equal((await get('ssa')).metadata.resourceVersion, obj.metadata.resourceVersion);
    });

    it('reports conflicts with other managers and takes the fields with --force-conflicts', async () => {
      const path = file('shared', variant('shared', { claims: false }));
      ok(await k(['apply', '-f', path]));
      const rv = (await get('shared')).metadata.resourceVersion;
      const mine = file('shared-mine', variant('shared', { claims: false, replicas: 5 }));
      const err = fails(await k(['apply', '--server-side', '--field-manager=tool', '-f', mine]));
      assert.match(err, /Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps\/v1: \.spec\.replicas/);
      assert.match(err, /--force-conflicts/);
      assert.equal((await get('shared')).metadata.resourceVersion, rv, 'nothing stored');
      assert.match(ok(await k(['apply', '--server-side', '--field-manager=tool', '--force-conflicts', '-f', mine])), /serverside-applied/);
      const obj = await get('shared');
      assert.equal(obj.spec.replicas, 5);
      const entries = obj.metadata.managedFields as Entry[];
      assert.ok(entries.find((e) => e.manager === 'tool' && e.operation === 'Apply')!.fieldsV1['f:spec']['f:replicas']);
      // kubectl then moves the client-side manager's fields to the new applier (csaupgrade).
      assert.ok(!entries.some((e) => e.manager === 'kubectl-client-side-apply' && e.fieldsV1['f:spec']?.['f:replicas']));
    });

    it('switches from client-side to server-side apply without conflicts on fields it applied', async () => {
      const path = file('switch', variant('switch', { claims: false }));
      ok(await k(['apply', '-f', path]));
      const changed = file('switch', variant('switch', { claims: false, replicas: 4 }));
      assert.match(ok(await k(['apply', '--server-side', '-f', changed])), /serverside-applied/);
      const obj = await get('switch');
      assert.equal(obj.spec.replicas, 4);
      // kubectl moved the client-side manager's fields to its server-side entry and kept the annotation.
      assert.deepEqual(managers(obj), ['kubectl-last-applied/Apply', 'kubectl/Apply']);
      assert.equal(JSON.parse(obj.metadata.annotations[LAST_APPLIED]).spec.replicas, 4, 'the annotation follows the applied configuration');
      assert.equal(obj.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
      // Back to client-side apply: kubectl rewrites the annotation in its own spelling once.
      assert.match(ok(await k(['apply', '-f', changed])), /^statefulset\.apps\/switch configured$/m);
      assert.match(ok(await k(['apply', '-f', changed])), /^statefulset\.apps\/switch unchanged$/m);
      assert.equal((await get('switch')).spec.replicas, 4);
    });

    it('diffs against a dry-run of the patch, client-side and server-side', async () => {
      const path = file('diffed', variant('diffed', { claims: false }));
      ok(await k(['apply', '-f', path]));
      const rv = (await get('diffed')).metadata.resourceVersion;
      const same = await k(['diff', '-f', path]);
      assert.equal(same.code, 0, same.stdout + same.stderr);
      assert.equal(same.stdout, '');
      const changed = file('diffed-new', variant('diffed', { claims: false, image: 'nginx:1.11' }));
      const d = await k(['diff', '-f', changed]);
      assert.equal(d.code, 1, d.stderr);
      assert.match(d.stdout, /^-\s+- image: nginx:1\.9\.1$/m);
      assert.match(d.stdout, /^\+\s+- image: nginx:1\.11$/m);
      const ssa = file('diffed-ssa', variant('diffed-ssa', { claims: false }));
      ok(await k(['apply', '--server-side', '-f', ssa]));
      const ds = await k(['diff', '--server-side', '-f', file('diffed-ssa2', variant('diffed-ssa', { claims: false, replicas: 7 }))]);
      assert.equal(ds.code, 1, ds.stderr);
      assert.match(ds.stdout, /^-\s+replicas: 2$/m);
      assert.match(ds.stdout, /^\+\s+replicas: 7$/m);
      assert.equal((await get('diffed')).metadata.resourceVersion, rv, 'a diff writes nothing');
      assert.equal((await get('diffed-ssa')).spec.replicas, 2);
    });
  });
}
