// The official JS client (@kubernetes/client-node 1.4) through its generated, typed APIs:
// list/get/create/replace, patch with each content type it offers (JSON patch is its default;
// merge and strategic through the per-call Content-Type option), subresources (status, scale),
// deleteCollection, delete with propagation, and errors as ApiException with the Status body.
// The typed client also deserializes every response into its model classes, so a field the
// server sends in the wrong shape (a date, a quantity, an int) fails here before a user sees it.
import * as k8s from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestCluster } from '../../src/testing/index.js';
import { apiError, eventually, kubeConfigOf, patchAs, podSpec, startFullCluster } from './support.js';

const NS = 'js-typed';

describe('JS client: typed APIs', () => {
  let cluster: TestCluster;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let storage: k8s.StorageV1Api;
  let coord: k8s.CoordinationV1Api;

  before(async () => {
    cluster = await startFullCluster();
    const kc = kubeConfigOf(cluster);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    storage = kc.makeApiClient(k8s.StorageV1Api);
    coord = kc.makeApiClient(k8s.CoordinationV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
  });
  after(async () => { await cluster?.stop(); });

  it('reads version and discovery and lists cluster-scoped kinds', async () => {
    const version = await kubeConfigOf(cluster).makeApiClient(k8s.VersionApi).getCode();
    assert.equal(version.major, '1');
    const groups = await kubeConfigOf(cluster).makeApiClient(k8s.ApisApi).getAPIVersions();
    assert.ok(groups.groups.some((g) => g.name === 'apps'));
    const nodes = await core.listNode();
    assert.deepEqual(nodes.items.map((n) => n.metadata?.name), ['berth-control-plane']);
    assert.ok((await storage.listStorageClass()).items.some((s) => s.metadata?.name === 'local-path'));
    assert.ok((await core.listNamespace()).items.some((n) => n.metadata?.name === NS));
  });

  it('creates, gets, lists, replaces and patches a ConfigMap with every patch type', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cfg', labels: { app: 'x' } }, data: { a: '1' } } });
    assert.ok(created.metadata?.uid);
    assert.ok(created.metadata?.creationTimestamp instanceof Date);
    const got = await core.readNamespacedConfigMap({ namespace: NS, name: 'cfg' });
    assert.deepEqual(got.data, { a: '1' });
    const listed = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'app=x' });
    assert.deepEqual(listed.items.map((c) => c.metadata?.name), ['cfg']);
    assert.ok(Number(listed.metadata?.resourceVersion) >= Number(created.metadata?.resourceVersion));

    const json = await core.patchNamespacedConfigMap({ namespace: NS, name: 'cfg', body: [{ op: 'add', path: '/data/b', value: '2' }] });
    assert.deepEqual(json.data, { a: '1', b: '2' });
    const merge = await core.patchNamespacedConfigMap({ namespace: NS, name: 'cfg', body: { data: { a: null, c: '3' } } },
      patchAs(k8s.PatchStrategy.MergePatch));
    assert.deepEqual(merge.data, { b: '2', c: '3' });
    const smp = await core.patchNamespacedConfigMap({ namespace: NS, name: 'cfg', body: { metadata: { labels: { tier: 'web' } } } },
      patchAs(k8s.PatchStrategy.StrategicMergePatch));
    assert.deepEqual(smp.metadata?.labels, { app: 'x', tier: 'web' });
    const applied = await core.patchNamespacedConfigMap({
      namespace: NS, name: 'cfg', fieldManager: 'js-test',
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { d: '4' } },
    }, patchAs(k8s.PatchStrategy.ServerSideApply));
    assert.equal(applied.data?.d, '4');
    assert.ok(applied.metadata?.managedFields?.some((m) => m.manager === 'js-test' && m.operation === 'Apply'));

    const replaced = await core.replaceNamespacedConfigMap({ namespace: NS, name: 'cfg', body: { ...applied, data: { only: 'this' } } });
    assert.deepEqual(replaced.data, { only: 'this' });
    // A stale resourceVersion on replace is a conflict, as upstream.
    const stale = await apiError(core.replaceNamespacedConfigMap({ namespace: NS, name: 'cfg', body: smp }));
    assert.equal(stale.code, 409);
    assert.equal(stale.status.reason, 'Conflict');
  });

  it('reports errors as ApiException with the code and the Status body', async () => {
    const missing = await apiError(core.readNamespacedPod({ namespace: NS, name: 'nope' }));
    assert.equal(missing.code, 404);
    assert.deepEqual({ ...missing.status, details: undefined }, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "nope" not found', reason: 'NotFound', code: 404, details: undefined,
    });
    assert.deepEqual(missing.status.details, { name: 'nope', kind: 'pods' });
    const dup = await apiError(core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cfg' } } }));
    assert.equal(dup.code, 409);
    assert.equal(dup.status.reason, 'AlreadyExists');
    const invalid = await apiError(core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'Bad_Name' } } }));
    assert.equal(invalid.code, 422);
    assert.equal(invalid.status.details.causes[0].field, 'metadata.name');
    const badPatch = await apiError(core.patchNamespacedConfigMap({ namespace: NS, name: 'cfg', body: [{ op: 'replace', path: '/data/missing', value: 'x' }] }));
    assert.equal(badPatch.code, 422);
    assert.equal(badPatch.status.reason, 'Invalid');
  });

  it('runs a StatefulSet: pods and claims appear, scale and status subresources work', async () => {
    await apps.createNamespacedStatefulSet({
      namespace: NS, body: {
        metadata: { name: 'web' },
        spec: {
          serviceName: 'web', replicas: 1, selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { ...podSpec(), containers: [{ ...podSpec().containers[0], volumeMounts: [{ name: 'www', mountPath: '/www' }] }] } },
          volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
        },
      },
    });
    await eventually(async () => (await apps.readNamespacedStatefulSet({ namespace: NS, name: 'web' })).status?.readyReplicas === 1, 'web ready', 30_000);
    const scale = await apps.readNamespacedStatefulSetScale({ namespace: NS, name: 'web' });
    assert.equal(scale.spec?.replicas, 1);
    assert.equal(scale.status?.selector, 'app=web');
    await apps.patchNamespacedStatefulSetScale({ namespace: NS, name: 'web', body: { spec: { replicas: 2 } } }, patchAs(k8s.PatchStrategy.MergePatch));
    await eventually(async () => (await apps.readNamespacedStatefulSet({ namespace: NS, name: 'web' })).status?.readyReplicas === 2, 'two ready', 30_000);
    const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' });
    assert.deepEqual(pods.items.map((p) => p.metadata?.name).sort(), ['web-0', 'web-1']);
    assert.ok(pods.items.every((p) => p.status?.phase === 'Running' && p.status.startTime instanceof Date));
    const claims = await core.listNamespacedPersistentVolumeClaim({ namespace: NS });
    assert.deepEqual(claims.items.map((c) => c.metadata?.name).sort(), ['www-web-0', 'www-web-1']);
    await eventually(async () => (await core.readNamespacedPersistentVolumeClaim({ namespace: NS, name: 'www-web-0' })).status?.phase === 'Bound', 'claim bound');
    const pv = (await core.listPersistentVolume()).items.find((v) => v.spec?.claimRef?.name === 'www-web-0');
    assert.equal(pv?.spec?.capacity?.storage, '1Gi');

    // Strategic merge on the template's containers merges by name (the image changes, the mount stays).
    const smp = await apps.patchNamespacedStatefulSet({
      namespace: NS, name: 'web', body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] } } } },
    }, patchAs(k8s.PatchStrategy.StrategicMergePatch));
    assert.equal(smp.spec?.template.spec?.containers[0].image, 'nginx:1.26');
    assert.equal(smp.spec?.template.spec?.containers[0].volumeMounts?.[0].mountPath, '/www');
    await eventually(async () => {
      const p = await core.readNamespacedPod({ namespace: NS, name: 'web-0' });
      return p.spec?.containers[0].image === 'nginx:1.26' && p.status?.phase === 'Running';
    }, 'web-0 rolled', 30_000);

    // Status writes go through the status subresource only.
    const status = await core.patchNamespacedPersistentVolumeClaimStatus({
      namespace: NS, name: 'www-web-0', body: { status: { conditions: [{ type: 'Resizing', status: 'True' }] } },
    }, patchAs(k8s.PatchStrategy.MergePatch));
    assert.equal(status.status?.conditions?.[0].type, 'Resizing');
    assert.equal(status.status?.phase, 'Bound');
  });

  it('creates and patches a Service, Secret, ServiceAccount, Lease and StorageClass', async () => {
    const svc = await core.createNamespacedService({ namespace: NS, body: {
      metadata: { name: 'web' }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
    } });
    assert.equal(svc.spec?.clusterIP, 'None');
    const ports = await core.patchNamespacedService({ namespace: NS, name: 'web', body: { spec: { ports: [{ name: 'metrics', port: 9100 }] } } },
      patchAs(k8s.PatchStrategy.StrategicMergePatch));
    assert.deepEqual(ports.spec?.ports?.map((p) => p.port).sort(), [80, 9100], JSON.stringify(ports.spec));
    const secret = await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 's' }, stringData: { user: 'admin' } } });
    assert.equal(secret.data?.user, Buffer.from('admin').toString('base64'));
    assert.equal(secret.type, 'Opaque');
    await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'robot' } } });
    assert.equal((await core.readNamespacedServiceAccount({ namespace: NS, name: 'robot' })).metadata?.name, 'robot');
    const lease = await coord.createNamespacedLease({ namespace: NS, body: { metadata: { name: 'l' }, spec: { holderIdentity: 'me', leaseDurationSeconds: 10 } } });
    assert.equal(lease.spec?.holderIdentity, 'me');
    const renewed = await coord.patchNamespacedLease({ namespace: NS, name: 'l', body: { spec: { renewTime: new Date().toISOString() } } },
      patchAs(k8s.PatchStrategy.MergePatch));
    assert.ok(renewed.spec?.renewTime, 'renewTime kept');
    const sc = await storage.createStorageClass({ body: { metadata: { name: 'js-fast' }, provisioner: 'berth.dev/local-path', volumeBindingMode: 'WaitForFirstConsumer' } });
    assert.equal(sc.reclaimPolicy, 'Delete');
    await storage.deleteStorageClass({ name: 'js-fast' });
    assert.equal((await apiError(storage.readStorageClass({ name: 'js-fast' }))).code, 404);
  });

  it('deletes a collection by label and deletes with propagation', async () => {
    for (const n of ['d1', 'd2', 'keep']) {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: n, labels: { batch: n === 'keep' ? 'no' : 'yes' } } } });
    }
    await core.deleteCollectionNamespacedConfigMap({ namespace: NS, labelSelector: 'batch=yes' });
    const left = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'batch' });
    assert.deepEqual(left.items.map((c) => c.metadata?.name), ['keep']);

    // Foreground deletion of the set removes its pods first, and keeps the claims (upstream's default retention).
    await apps.deleteNamespacedStatefulSet({ namespace: NS, name: 'web', body: { propagationPolicy: 'Foreground' } });
    await eventually(async () => (await apiError(apps.readNamespacedStatefulSet({ namespace: NS, name: 'web' }))).code === 404, 'set gone', 30_000);
    await eventually(async () => (await core.listNamespacedPod({ namespace: NS })).items.length === 0, 'pods gone', 30_000);
    assert.equal((await core.listNamespacedPersistentVolumeClaim({ namespace: NS })).items.length, 2);

    const gone = await core.deleteNamespace({ name: NS });
    assert.equal(gone.kind, 'Namespace');
    await eventually(async () => (await apiError(core.readNamespace({ name: NS }))).code === 404, 'namespace gone', 30_000);
  });
});
