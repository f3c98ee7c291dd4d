// The official JS client's generic KubernetesObjectApi (what GitOps tools built on it use)
// against every kind Berth serves: it finds each kind's plural and scope through discovery,
// then create, read, list, merge and strategic patch, server-side apply, replace and delete (it
// derives the URL from the body, so it cannot send a JSON patch: the typed test covers those).
// Strategic patches use each kind's merge keys where it has lists (containers by name, ports by
// port, env by name) so the client's Content-Type choice is seen to matter.
import * as k8s from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestCluster } from '../../src/testing/index.js';
import { apiError, eventually, kubeConfigOf, startFullCluster } from './support.js';

const NS = 'js-generic';
type Obj = k8s.KubernetesObject & Record<string, any>;

interface Case {
  readonly obj: Obj;
  /** A strategic merge patch and what must hold after it (default: a label). */
  readonly smp?: { patch: object; check: (o: Obj) => void };
}

const meta = (name: string, namespaced = true) => ({ name, ...(namespaced ? { namespace: NS } : {}) });
const template = {
  metadata: { labels: { app: 'g' } },
  spec: { containers: [{ name: 'app', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] },
};

const CASES: Case[] = [
  { obj: { apiVersion: 'v1', kind: 'Namespace', metadata: meta('js-generic-extra', false) } },
  { obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('g-cm'), data: { k: 'v' } } },
  { obj: { apiVersion: 'v1', kind: 'Secret', metadata: meta('g-secret'), stringData: { password: 'p' } } },
  { obj: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('g-sa') } },
  {
    obj: { apiVersion: 'v1', kind: 'Service', metadata: meta('g-svc'), spec: { selector: { app: 'g' }, ports: [{ name: 'http', port: 80 }] } },
    smp: {
      patch: { spec: { ports: [{ name: 'https', port: 443 }] } },
      check: (o) => assert.deepEqual(o.spec.ports.map((p: { port: number }) => p.port).sort(), [443, 80]),
    },
  },
  { obj: { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('g-svc-manual'), subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] } },
  {
    obj: {
      apiVersion: 'v1', kind: 'Event', metadata: meta('g-event'), reason: 'Tested', message: 'from the JS client', type: 'Normal',
      involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'g-cm', namespace: NS },
    },
  },
  {
    obj: {
      apiVersion: 'v1', kind: 'Pod', metadata: meta('g-pod'),
      spec: { containers: [{ name: 'app', image: 'nginx:1.25' }, { name: 'side', image: 'busybox:1.36', command: ['sleep', '1d'] }] },
    },
    smp: {
      patch: { spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] } },
      check: (o) => assert.deepEqual(o.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`), ['app=nginx:1.26', 'side=busybox:1.36']),
    },
  },
  {
    obj: {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('g-pvc'),
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
  },
  {
    obj: {
      apiVersion: 'v1', kind: 'PersistentVolume', metadata: meta('g-pv', false),
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: { path: '/tmp/berth-js-generic' } },
    },
  },
  { obj: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: meta('g-sc', false), provisioner: 'example.com/none' } },
  {
    obj: {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('g-sts'),
      spec: { replicas: 0, serviceName: 'g', selector: { matchLabels: { app: 'g' } }, template },
    },
    smp: {
      patch: { spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] }] } } } },
      check: (o) => assert.deepEqual(JSON.parse(JSON.stringify(o.spec.template.spec.containers[0].env)), [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }]),
    },
  },
  { obj: { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: meta('g-rev'), revision: 1, data: { spec: { template } } } },
  { obj: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta('g-lease'), spec: { holderIdentity: 'js', leaseDurationSeconds: 15 } } },
  // Unschedulable, so the scheduler never places a pod on a node no agent runs.
  { obj: { apiVersion: 'v1', kind: 'Node', metadata: meta('g-node', false), spec: { unschedulable: true } } },
];

const header = (o: Obj) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata!.name!, namespace: o.metadata!.namespace } });

describe('JS client: KubernetesObjectApi on every served kind', () => {
  let cluster: TestCluster;
  let api: k8s.KubernetesObjectApi;

  before(async () => {
    cluster = await startFullCluster();
    const kc = kubeConfigOf(cluster);
    api = k8s.KubernetesObjectApi.makeApiClient(kc);
    await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  });
  after(async () => { await cluster?.stop(); });

  it('covers every served kind', async () => {
    const served = new Set<string>();
    const kc = kubeConfigOf(cluster);
    for (const r of (await kc.makeApiClient(k8s.CoreV1Api).getAPIResources()).resources) if (!r.name.includes('/')) served.add(r.kind);
    for (const [group, version] of [['apps', 'v1'], ['storage.k8s.io', 'v1'], ['coordination.k8s.io', 'v1']]) {
      const list = await kc.makeApiClient(k8s.CustomObjectsApi).getAPIResources({ group, version });
      for (const r of list.resources) if (!r.name.includes('/')) served.add(r.kind);
    }
    // Bindings are a create-only subresource-like kind (pods/binding covers it upstream too).
    served.delete('Binding');
    assert.deepEqual([...served].sort(), CASES.map((c) => c.obj.kind).sort());
  });

  for (const c of CASES) {
    const { kind } = c.obj;
    it(`${kind}: create, read, list, patch (merge, strategic, apply), replace, delete`, async () => {
      const created = await api.create(c.obj);
      assert.ok(created.metadata?.uid, 'created with a uid');
      const read = await api.read(header(c.obj));
      assert.equal(read.metadata?.uid, created.metadata?.uid);
      const list = await api.list(c.obj.apiVersion!, kind!, c.obj.metadata?.namespace);
      assert.ok(list.items.some((i) => i.metadata?.name === c.obj.metadata?.name), `${kind} listed`);

      const merged = await api.patch({ ...header(c.obj), metadata: { ...header(c.obj).metadata, labels: { patched: 'merge' } } },
        undefined, undefined, undefined, undefined, k8s.PatchStrategy.MergePatch);
      assert.equal(merged.metadata?.labels?.patched, 'merge');
      const smp = c.smp?.patch ?? { metadata: { ...header(c.obj).metadata, labels: { strategic: 'yes' } } };
      const strategic = await api.patch({ ...header(c.obj), ...smp } as Obj, undefined, undefined, undefined, undefined, k8s.PatchStrategy.StrategicMergePatch);
      if (c.smp) c.smp.check(strategic); else assert.equal(strategic.metadata?.labels?.strategic, 'yes');
      assert.equal(strategic.metadata?.labels?.patched, 'merge', 'strategic patch kept the merged label');
      const applied = await api.patch<Obj>({ ...header(c.obj), metadata: { ...header(c.obj).metadata, annotations: { 'berth.dev/applied': 'yes' } } },
        undefined, undefined, 'js-generic', true, k8s.PatchStrategy.ServerSideApply);
      assert.equal(applied.metadata?.annotations?.['berth.dev/applied'], 'yes');
      assert.ok(applied.metadata?.managedFields?.some((m: k8s.V1ManagedFieldsEntry) => m.manager === 'js-generic'), 'apply manager recorded');

      const current = await api.read(header(c.obj));
      const replaced = await api.replace({ ...current, metadata: { ...current.metadata, labels: { ...current.metadata?.labels, replaced: 'yes' } } });
      assert.equal(replaced.metadata?.labels?.replaced, 'yes');
      assert.notEqual(replaced.metadata?.resourceVersion, current.metadata?.resourceVersion);

      await api.delete(header(c.obj));
      // Namespaces, PVs, PVCs and running pods finish deleting through their controllers and the node.
      await eventually(async () => (await apiError(api.read(header(c.obj)))).code === 404, `${kind} gone`, 30_000);
    });
  }
});
