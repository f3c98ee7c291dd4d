// Helm against a whole cluster (every controller, one sim node), with the official binaries that
// ship beside kubectl: v27's Helm 3 (client-side three-way merge patches) and v33's Helm 4
// (server-side apply by default, kstatus-based --wait). A local chart (headless Service +
// StatefulSet with a claim template): install --wait, upgrade (replicas and image: pods roll),
// history, rollback, uninstall. Releases are Secrets of type helm.sh/release.v1; the claims
// outlive the uninstall, as upstream's StatefulSet retention (Retain by default) says.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PersistentVolumeClaims, Pods, Secrets, Services, StatefulSets, isNotFound, type KubeObject } from '../../src/core/index.js';
import type { KubectlVersion, TestCluster } from '../../src/testing/index.js';
import { helmFor, writeWebChart, type Helm } from '../clients/helm-chart.js';
import { startFullCluster } from '../clients/support.js';
import { eventually, ok } from './helpers.js';

type Sts = KubeObject & { spec?: { replicas?: number }; status?: { readyReplicas?: number; updatedReplicas?: number; currentRevision?: string; updateRevision?: string } };
type Pod = KubeObject & { spec?: { containers: { image: string }[] }; status?: { phase?: string } };
interface Revision { revision: number; status: string; description: string; chart: string }

const HELMS: readonly { version: KubectlVersion; major: string }[] = [{ version: '27', major: 'v3' }, { version: '33', major: 'v4' }];

describe('Helm installs, upgrades, rolls back and uninstalls a StatefulSet chart', () => {
  let cluster: TestCluster;
  let chart: string;

  before(async () => {
    cluster = await startFullCluster();
    chart = writeWebChart(cluster.dir);
  });
  after(async () => { await cluster?.stop(); });

  for (const { version, major } of HELMS) {
    describe(`Helm ${major} (kubectl ${version} package)`, () => {
      const ns = `helm-${major}`;
      let helm: Helm;
      const sts = () => cluster.client.get<Sts>(StatefulSets, { namespace: ns, name: 'web' });
      const pods = async () => (await cluster.client.list<Pod>(Pods, { namespace: ns })).items;
      /** Everything --wait promised: every replica ready, on the update revision, with the image. */
      const settled = async (replicas: number, image: string) => {
        const s = await sts();
        assert.equal(s.spec?.replicas, replicas);
        assert.equal(s.status?.readyReplicas, replicas, JSON.stringify(s.status));
        assert.equal(s.status?.currentRevision, s.status?.updateRevision);
        const ps = await pods();
        assert.deepEqual(ps.map((p) => p.metadata?.name).sort(), Array.from({ length: replicas }, (_, i) => `web-${i}`));
        for (const p of ps) {
          assert.equal(p.status?.phase, 'Running');
          assert.equal(p.spec?.containers[0].image, image, `${p.metadata?.name} runs ${image}`);
        }
      };
      const history = async (): Promise<Revision[]> => JSON.parse(ok(await helm(['history', 'web', '-n', ns, '-o', 'json']), 'history'));
      const releaseSecrets = async () => (await cluster.client.list<KubeObject & { type?: string }>(Secrets, { namespace: ns, labelSelector: 'owner=helm,name=web' })).items;

      before(() => { helm = helmFor(version, cluster.kubeconfig, cluster.dir + `/helm-${version}`); });

      it('reports its version', async () => {
        assert.match(ok(await helm(['version', '--short'])), new RegExp(`^${major}\\.`));
      });

      it('installs with --wait: deployed once the StatefulSet is ready', async () => {
        const out = ok(await helm(['install', 'web', chart, '-n', ns, '--create-namespace', '--wait', '--timeout', '90s']), 'install');
        assert.match(out, /STATUS: deployed/);
        assert.match(out, /REVISION: 1/);
        assert.match(out, /web nginx:1\.25 x2/);
        await settled(2, 'nginx:1.25');
        const svc = await cluster.client.get<KubeObject & { spec?: { clusterIP?: string } }>(Services, { namespace: ns, name: 'web' });
        assert.equal(svc.spec?.clusterIP, 'None');
        assert.equal(svc.metadata?.labels?.['app.kubernetes.io/managed-by'], 'Helm');
        assert.equal(svc.metadata?.annotations?.['meta.helm.sh/release-name'], 'web');
        // Helm 3 creates objects with POST and records an Update; Helm 4 applies them server-side.
        const managers = (await sts()).metadata?.managedFields?.filter((m) => m.manager === 'helm').map((m) => m.operation);
        assert.deepEqual(managers, [major === 'v3' ? 'Update' : 'Apply']);
        const status = JSON.parse(ok(await helm(['status', 'web', '-n', ns, '-o', 'json'])));
        assert.equal(status.info.status, 'deployed');
        const list = JSON.parse(ok(await helm(['list', '-n', ns, '-o', 'json'])));
        assert.deepEqual(list.map((r: { name: string; status: string }) => `${r.name} ${r.status}`), ['web deployed']);
        // The release lives in a Secret, as Helm's default storage driver keeps it.
        const secrets = await releaseSecrets();
        assert.deepEqual(secrets.map((s) => `${s.metadata?.name} ${s.type} ${s.metadata?.labels?.status}`), ['sh.helm.release.v1.web.v1 helm.sh/release.v1 deployed']);
      });

      it('renders the same manifest back from the stored release', async () => {
        const manifest = ok(await helm(['get', 'manifest', 'web', '-n', ns]));
        assert.match(manifest, /kind: StatefulSet/);
        assert.match(manifest, /clusterIP: None/);
        assert.deepEqual(JSON.parse(ok(await helm(['get', 'values', 'web', '--all', '-n', ns, '-o', 'json']))), { replicas: 2, image: 'nginx:1.25', storage: '1Gi' });
      });

      it('upgrades replicas and image: the pods roll to the new image', async () => {
        const out = ok(await helm(['upgrade', 'web', chart, '-n', ns, '--set', 'replicas=3', '--set', 'image=nginx:1.26', '--wait', '--timeout', '90s']), 'upgrade');
        assert.match(out, /REVISION: 2/);
        await settled(3, 'nginx:1.26');
        assert.deepEqual((await history()).map((r) => `${r.revision} ${r.status}`), ['1 superseded', '2 deployed']);
      });

      it('rolls back to revision 1: two replicas of the old image again', async () => {
        ok(await helm(['rollback', 'web', '1', '-n', ns, '--wait', '--timeout', '90s']), 'rollback');
        await settled(2, 'nginx:1.25');
        const h = await history();
        assert.deepEqual(h.map((r) => `${r.revision} ${r.status}`), ['1 superseded', '2 superseded', '3 deployed']);
        assert.equal(h[2].description, 'Rollback to 1');
        assert.deepEqual((await releaseSecrets()).map((s) => s.metadata?.name).sort(), [1, 2, 3].map((n) => `sh.helm.release.v1.web.v${n}`));
      });

      it('uninstalls: the set, its pods, the service and the release go; the claims stay', async () => {
        // Helm's default cascade (background): the set goes at once, the collector removes the pods.
        const out = ok(await helm(['uninstall', 'web', '-n', ns, '--wait', '--timeout', '90s']), 'uninstall');
        assert.match(out, /release "web" uninstalled/);
        await assert.rejects(sts(), isNotFound);
        await assert.rejects(cluster.client.get(Services, { namespace: ns, name: 'web' }), isNotFound);
        assert.deepEqual(await releaseSecrets(), []);
        assert.deepEqual(JSON.parse(ok(await helm(['list', '-n', ns, '-o', 'json']))), []);
        await eventually(async () => (await pods()).length === 0, 'the collector to remove the pods', 30_000);
        const claims = (await cluster.client.list(PersistentVolumeClaims, { namespace: ns })).items;
        assert.deepEqual(claims.map((c) => c.metadata?.name).sort(), ['www-web-0', 'www-web-1', 'www-web-2']);
      });
    });
  }
});
