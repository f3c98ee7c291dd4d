// The stock kubectl (1.27, 1.33, 1.35) against a real API server: create, get in every output
// format, describe, watch, scale, wait, delete (by label, by file, cascading), and the seed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { controllerManager } from '../../src/cluster/index.js';
import { silentLogger } from '../../src/controller-runtime/index.js';
import { KUBECTL_VERSIONS, kubectlEnv, kubectlPath, startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { SEED, eventually, fails, ok, tableRows, watchUntil, writeManifest } from './helpers.js';

for (const version of KUBECTL_VERSIONS) {
  describe(`kubectl 1.${version}`, () => {
    let cluster: TestCluster;
    let k: ReturnType<TestCluster['kubectl']>;
    before(async () => {
      cluster = await startTestCluster({ components: (dir) => [controllerManager({ localPathRoot: join(dir, 'volumes'), logger: silentLogger })] });
      k = cluster.kubectl(version);
    });
    after(async () => { await cluster?.stop(); });

    it('reports the server version and the API resources', async () => {
      assert.match(ok(await k(["version"])), /Server Version: (v1\.33\.0\+berth|version\.Info\{.*GitVersion:"v1\.33\.0\+berth")/);
      const out = ok(await k(['api-resources']));
      for (const [name, short] of [['persistentvolumeclaims', 'pvc'], ['persistentvolumes', 'pv'], ['statefulsets', 'sts'],
        ['storageclasses', 'sc'], ['pods', 'po'], ['services', 'svc'], ['namespaces', 'ns'], ['nodes', 'no'], ['events', 'ev'], ['configmaps', 'cm']]) {
        assert.match(out, new RegExp(`^${name}\\s+${short}\\s`, 'm'), `${name} (${short}) missing:\n${out}`);
      }
      assert.match(ok(await k(['get', 'ns'])), /^default\s+Active/m);
      assert.match(ok(await k(['get', 'sc'])), /^local-path \(default\)\s+berth\.dev\/local-path\s+Delete\s+WaitForFirstConsumer/m);
    });

    it('creates the seed PVC and prints it in every output format', async () => {
      const file = join(SEED, 'pvc.yaml');
      assert.match(ok(await k(['create', '-f', file])), /^persistentvolumeclaim\/pv-claim created$/m);
      const again = fails(await k(['create', '-f', file]));
      assert.match(again, /Error from server \(AlreadyExists\).*persistentvolumeclaims "pv-claim" already exists/);

      const rows = tableRows(ok(await k(['get', 'pvc'])));
      assert.deepEqual(rows[0], ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
      assert.equal(rows[1][0], 'pv-claim');
      assert.equal(rows[1][1], 'Pending');
      assert.match(ok(await k(['get', 'pvc', '-o', 'wide'])), /VOLUMEMODE[\s\S]*Filesystem/);

      const live = parse(ok(await k(['get', 'pvc', 'pv-claim', '-o', 'yaml'])));
      const seed = parse(readFileSync(file, 'utf8'));
      assert.deepEqual(live.spec.accessModes, seed.spec.accessModes);
      assert.deepEqual(live.spec.resources, seed.spec.resources);
      assert.equal(live.spec.storageClassName, 'local-path', 'the default class is filled in on create');
      assert.equal(live.spec.volumeMode, 'Filesystem');
      assert.equal(live.status.phase, 'Pending');
      assert.deepEqual(live.metadata.finalizers, ['kubernetes.io/pvc-protection']);
      assert.match(live.metadata.uid, /^[0-9a-f-]{36}$/);

      const json = JSON.parse(ok(await k(['get', 'pvc', '-o', 'json'])));
      assert.equal(json.kind, 'List');
      assert.equal(json.items[0].metadata.name, 'pv-claim');
      assert.equal(ok(await k(['get', 'pvc', '-o', 'name'])).trim(), 'persistentvolumeclaim/pv-claim');
      assert.equal(ok(await k(['get', 'pvc', 'pv-claim', '-o', 'jsonpath={.spec.resources.requests.storage}'])), '1Gi');
      const notFound = fails(await k(['get', 'pvc', 'nope']));
      assert.match(notFound, /Error from server \(NotFound\): persistentvolumeclaims "nope" not found/);
    });

    it('rejects the seed PV as upstream does', async () => {
      const file = join(SEED, 'pv.yaml');
      const strict = fails(await k(['create', '-f', file]));
      assert.match(strict, /unknown field "spec\.rbd\.imagefeatures"/);
      assert.match(strict, /unknown field "spec\.rbd\.imageformat"/);
      const lax = fails(await k(['create', '--validate=false', '-f', file]));
      assert.match(lax, /The PersistentVolume "pv-volume" is invalid: spec\.accessModes: Required value/);
      fails(await k(['get', 'pv', 'pv-volume']), 'nothing was half-written');
    });

    it('creates the seed StatefulSet, scales it and waits on it', async () => {
      const file = join(SEED, 'statefulset.yaml');
      assert.match(ok(await k(['create', '-f', file])), /statefulset\.apps\/web created/);
      const rows = tableRows(ok(await k(['get', 'sts', '-o', 'wide'])));
      assert.deepEqual(rows[0], ['NAME', 'READY', 'AGE', 'CONTAINERS', 'IMAGES']);
      assert.deepEqual([rows[1][0], rows[1][1], rows[1][3], rows[1][4]], ['web', '0/2', 'nginx', 'nginx:1.9.1']);
      const live = parse(ok(await k(['get', 'sts', 'web', '-o', 'yaml'])));
      const seed = parse(readFileSync(file, 'utf8'));
      assert.equal(live.spec.serviceName, 'nginx');
      assert.deepEqual(live.spec.selector, seed.spec.selector);
      assert.equal(live.spec.template.spec.containers[0].image, 'nginx:1.9.1');
      assert.equal(live.spec.podManagementPolicy, 'OrderedReady');
      assert.deepEqual(live.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      assert.equal(live.spec.volumeClaimTemplates[0].metadata.name, 'www');
      assert.equal(live.metadata.generation, 1);

      assert.match(ok(await k(['scale', 'sts', 'web', '--replicas=3'])), /statefulset\.apps\/web scaled/);
      assert.equal(ok(await k(['get', 'sts', 'web', '-o', 'jsonpath={.spec.replicas}'])), '3');
      assert.equal(ok(await k(['get', 'sts', 'web', '-o', 'jsonpath={.metadata.generation}'])), '2');
      assert.match(ok(await k(['wait', '--for=jsonpath={.spec.replicas}=3', 'sts/web', '--timeout=10s'])), /condition met/);
      const described = ok(await k(['describe', 'sts', 'web']));
      assert.match(described, /^Name:\s+web$/m);
      assert.match(described, /^Replicas:\s+3 desired/m);
      assert.match(ok(await k(['describe', 'pvc', 'pv-claim'])), /^StorageClass:\s+local-path$/m);
      assert.match(ok(await k(['get', 'sts', '--show-labels'])), /LABELS/);
      assert.match(ok(await k(['get', 'all'])), /statefulset\.apps\/web/);
      assert.match(ok(await k(['get', 'pvc', '-A'])), /^default\s+pv-claim\s+Pending/m);
    });

    it('watches changes with get -w', async () => {
      const env = kubectlEnv({ kubeconfig: cluster.kubeconfig, home: cluster.dir });
      const w = watchUntil(kubectlPath(version), ['get', 'cm', '-w'], env, /^watched-cm\s/m);
      // kubectl prints nothing until the first row; give it time to list and start watching.
      await new Promise((r) => setTimeout(r, 1500));
      ok(await k(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched-cm\ndata:\n  a: b\n' }));
      await w.done;
    });

    it('deletes by label and by file', async () => {
      const file = writeManifest(cluster.dir, `cms-${version}.yaml`, [1, 2, 3].map((i) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  labels:\n    tier: ${i < 3 ? 'xx' : 'yy'}\n`).join('---\n'));
      ok(await k(['create', '-f', file]));
      const out = ok(await k(['delete', 'cm', '-l', 'tier=xx']));
      assert.match(out, /configmap "c1" deleted/);
      assert.match(out, /configmap "c2" deleted/);
      assert.equal(ok(await k(['get', 'cm', '-l', 'tier', '-o', 'name'])).trim(), 'configmap/c3');
      assert.match(ok(await k(['delete', '-f', join(SEED, 'statefulset.yaml')])), /statefulset\.apps "web" deleted/);
      fails(await k(['get', 'sts', 'web']));
      const bad = fails(await k(['get', 'cm', '-l', 'tier in (xx']));
      assert.match(bad, /unable to parse requirement|found ''|expected/);
    });

    it('cascades deletion to dependents, or orphans them', async () => {
      const owner = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
      for (const name of ['owner-bg', 'owner-orphan', 'owner-fg']) {
        ok(await k(['create', '-f', '-'], { input: owner(name) }));
        const uid = ok(await k(['get', 'cm', name, '-o', 'jsonpath={.metadata.uid}']));
        ok(await k(['create', '-f', '-'], {
          input: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: dep-of-${name}\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: ${name}\n    uid: ${uid}\n    blockOwnerDeletion: true\n`,
        }));
      }
      ok(await k(['delete', 'cm', 'owner-bg']));
      await eventually(async () => (await k(['get', 'secret', 'dep-of-owner-bg'])).code !== 0, 'background cascade');

      ok(await k(['delete', 'cm', 'owner-orphan', '--cascade=orphan']));
      fails(await k(['get', 'cm', 'owner-orphan']));
      const orphan = JSON.parse(ok(await k(['get', 'secret', 'dep-of-owner-orphan', '-o', 'json'])));
      assert.equal(orphan.metadata.ownerReferences, undefined, 'the orphan lost its owner reference');

      ok(await k(['delete', 'cm', 'owner-fg', '--cascade=foreground']));
      fails(await k(['get', 'secret', 'dep-of-owner-fg']), 'foreground deletion removes the dependent first');
      fails(await k(['get', 'cm', 'owner-fg']));
    });

    it('creates objects with the typed-client commands (protobuf bodies on 1.33+)', async () => {
      const ns = `typed-${version}`;
      assert.match(ok(await k(['create', 'namespace', ns])), new RegExp(`namespace/${ns} created`));
      assert.match(ok(await k(['create', 'configmap', 'cfg', '-n', ns, '--from-literal=a=b', '--from-literal=c=d'])), /configmap\/cfg created/);
      assert.match(ok(await k(['create', 'secret', 'generic', 'sec', '-n', ns, '--from-literal=password=s3cret'])), /secret\/sec created/);
      assert.match(ok(await k(['create', 'serviceaccount', 'bot', '-n', ns])), /serviceaccount\/bot created/);
      assert.match(ok(await k(['create', 'service', 'clusterip', 'api', '-n', ns, '--tcp=80:8080'])), /service\/api created/);
      const cfg = JSON.parse(ok(await k(['get', 'cm', 'cfg', '-n', ns, '-o', 'json'])));
      assert.deepEqual(cfg.data, { a: 'b', c: 'd' });
      const sec = JSON.parse(ok(await k(['get', 'secret', 'sec', '-n', ns, '-o', 'json'])));
      assert.equal(Buffer.from(sec.data.password, 'base64').toString(), 's3cret');
      assert.equal(sec.type, 'Opaque');
      const svc = JSON.parse(ok(await k(['get', 'svc', 'api', '-n', ns, '-o', 'json'])));
      assert.deepEqual(svc.spec.ports.map((p: any) => [p.port, p.targetPort, p.protocol]), [[80, 8080, 'TCP']]);
      assert.match(svc.spec.clusterIP, /^10\.(9[6-9]|1[01][0-9])\.\d+\.\d+$/);
      // The serviceaccount and root-CA controllers fill every new namespace.
      await eventually(async () => (await k(['get', 'serviceaccount', 'default', '-n', ns])).code === 0, 'default ServiceAccount');
      const rootCa = await eventually(async () => {
        const r = await k(['get', 'configmap', 'kube-root-ca.crt', '-n', ns, '-o', 'jsonpath={.data.ca\\.crt}']);
        return r.code === 0 && r.stdout;
      }, 'kube-root-ca.crt');
      assert.equal(rootCa, cluster.credentials.ca.certPem);
      ok(await k(['delete', 'namespace', ns]));
    });

    it('deletes a namespace with its contents', async () => {
      ok(await k(['apply', '-f', '-'], { input: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: scratch-${version}\n` }));
      ok(await k(['apply', '-n', `scratch-${version}`, '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inside\n' }));
      assert.match(ok(await k(['delete', 'ns', `scratch-${version}`])), new RegExp(`namespace "scratch-${version}" deleted`));
      fails(await k(['get', 'ns', `scratch-${version}`]));
      const forbidden = fails(await k(['delete', 'ns', 'default']));
      assert.match(forbidden, /Forbidden.*this namespace may not be deleted/);
    });
  });
}
