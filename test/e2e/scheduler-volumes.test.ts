// Volume scheduling (k8s-semantics E35–E37) with the real storage controllers beside the
// scheduler: WaitForFirstConsumer claims get volume.kubernetes.io/selected-node and the pod
// follows its provisioned volume, pods follow bound PVs' node affinity, static PVs are
// reserved per node, and claims that cannot work are reported with upstream's messages.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { provisionerController } from '../../src/controllers/provisioner/index.js';
import { pvBinder } from '../../src/controllers/pv-binder/index.js';
import { pvcProtection } from '../../src/controllers/pvc-protection/index.js';
import { pvProtection } from '../../src/controllers/pv-protection/index.js';
import { PersistentVolumeClaims, PersistentVolumes, Pods, StorageClasses, type KubeObject } from '../../src/core/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually, ok } from './helpers.js';
import { createNode, failedScheduling, podSpec, scheduledTo, startSchedulerCluster } from './scheduler-support.js';

type Claim = PersistentVolumeClaim & KubeObject;
type Volume = PersistentVolume & KubeObject;
const HOST = 'kubernetes.io/hostname';

function claim(name: string, spec: Partial<Claim['spec']> = {}, annotations?: Record<string, string>): Claim {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  };
}

function localPV(name: string, node: string, storageClassName: string): Volume {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name },
    spec: {
      capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'], storageClassName, local: { path: `/mnt/disks/${name}` },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOST, operator: 'In', values: [node] }] }] } },
    },
  };
}

const usingClaims = (...claims: string[]) => ({ volumes: claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })) });

describe('scheduler: volume constraints', () => {
  let c: TestCluster;
  let root: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'berth-sched-volumes-'));
    c = await startSchedulerCluster([pvBinder, pvcProtection, pvProtection, provisionerController({ root })]);
    await createNode(c, 'n1');
    await createNode(c, 'n2');
  });
  after(async () => {
    await c?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const getClaim = (name: string) => c.client.get<Claim>(PersistentVolumeClaims, { namespace: 'default', name });
  const deletePod = (name: string) => c.client.delete(Pods, { namespace: 'default', name }, { gracePeriodSeconds: 0 }).catch(() => {});

  it('WaitForFirstConsumer: picks the node, sets selected-node, and binds the pod once its volume is provisioned there', async () => {
    await c.client.create(PersistentVolumeClaims, claim('data'));
    const k = c.kubectl('33');
    assert.match(ok(await k(['get', 'pvc', 'data'])), /data\s+Pending/);
    await c.client.create(Pods, podSpec('consumer', { ...usingClaims('data'), nodeSelector: { [HOST]: 'n2' } }));
    const annotated = await eventually(async () => (await getClaim('data')).metadata?.annotations?.['volume.kubernetes.io/selected-node'], 'selected-node');
    assert.equal(annotated, 'n2');
    assert.equal(await scheduledTo(c, 'consumer'), 'n2');
    const bound = await getClaim('data');
    assert.equal(bound.status?.phase, 'Bound', 'the pod is bound only after its claim');
    const pv = await c.client.get<Volume>(PersistentVolumes, { name: bound.spec!.volumeName! });
    assert.deepEqual(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values, ['n2']);
    // A successor of the pod (same claim) goes where the volume is, whatever the scores say.
    await deletePod('consumer');
    await c.client.create(Pods, podSpec('successor', usingClaims('data')));
    assert.equal(await scheduledTo(c, 'successor'), 'n2');
    await deletePod('successor');
  });

  it('a claim bound to a PV with node affinity takes its pods to that node, and says so when they cannot go', async () => {
    await c.client.create(PersistentVolumes, localPV('pv-on-n1', 'n1', 'manual'));
    await c.client.create(PersistentVolumeClaims, claim('pinned', { storageClassName: 'manual', volumeName: 'pv-on-n1' }));
    await eventually(async () => (await getClaim('pinned')).status?.phase === 'Bound', 'pinned bound');
    await c.client.create(Pods, podSpec('follows', usingClaims('pinned')));
    assert.equal(await scheduledTo(c, 'follows'), 'n1');
    await c.client.create(Pods, podSpec('elsewhere', { ...usingClaims('pinned'), nodeSelector: { [HOST]: 'n2' } }));
    await failedScheduling(c, 'elsewhere', "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
      + '1 node(s) had volume node affinity conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
    await deletePod('follows');
    await deletePod('elsewhere');
  });

  it('reserves a matching static PV on the chosen node before anything is provisioned (E36)', async () => {
    await c.client.create(StorageClasses, {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-static' },
      provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer',
    });
    await c.client.create(PersistentVolumes, localPV('static-on-n2', 'n2', 'local-static'));
    await eventually(async () => (await c.client.get<Volume>(PersistentVolumes, { name: 'static-on-n2' })).status?.phase === 'Available', 'PV available');
    await c.client.create(PersistentVolumeClaims, claim('reserve', { storageClassName: 'local-static' }));
    await c.client.create(Pods, podSpec('reserver', usingClaims('reserve')));
    assert.equal(await scheduledTo(c, 'reserver'), 'n2');
    const pv = await c.client.get<Volume>(PersistentVolumes, { name: 'static-on-n2' });
    assert.equal(pv.spec?.claimRef?.name, 'reserve');
    assert.equal(pv.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.equal((await getClaim('reserve')).spec?.volumeName, 'static-on-n2');

    await c.client.create(PersistentVolumeClaims, claim('no-static-left', { storageClassName: 'local-static' }));
    await c.client.create(Pods, podSpec('starved', usingClaims('no-static-left')));
    await failedScheduling(c, 'starved', "0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind. "
      + 'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
    await deletePod('reserver');
    await deletePod('starved');
  });

  it('explains claims that are missing, lost, unbound Immediate or being deleted (E35)', async () => {
    const pre = (msg: string) => `0/2 nodes are available: ${msg}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.`;
    await c.client.create(Pods, podSpec('no-claim', usingClaims('nowhere')));
    await failedScheduling(c, 'no-claim', pre('persistentvolumeclaim "nowhere" not found'));

    await c.client.create(PersistentVolumeClaims, claim('lost', { storageClassName: 'manual', volumeName: 'ghost' }, { 'pv.kubernetes.io/bind-completed': 'yes' }));
    await eventually(async () => (await getClaim('lost')).status?.phase === 'Lost', 'claim Lost');
    await c.client.create(Pods, podSpec('on-lost', usingClaims('lost')));
    await failedScheduling(c, 'on-lost', pre('persistentvolumeclaim "lost" bound to non-existent persistentvolume "ghost"'));

    await c.client.create(StorageClasses, {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'external-now' }, provisioner: 'example.com/nobody', volumeBindingMode: 'Immediate',
    });
    await c.client.create(PersistentVolumeClaims, claim('immediate', { storageClassName: 'external-now' }));
    await c.client.create(Pods, podSpec('on-immediate', usingClaims('immediate')));
    await failedScheduling(c, 'on-immediate', pre('pod has unbound immediate PersistentVolumeClaims'));

    // A claim in use by a scheduled pod stays (protection) while being deleted.
    await c.client.create(PersistentVolumes, localPV('pv-doomed', 'n1', 'manual'));
    await c.client.create(PersistentVolumeClaims, claim('doomed', { storageClassName: 'manual', volumeName: 'pv-doomed' }));
    await c.client.create(Pods, podSpec('holder', usingClaims('doomed')));
    await scheduledTo(c, 'holder');
    await c.client.delete(PersistentVolumeClaims, { namespace: 'default', name: 'doomed' });
    await c.client.create(Pods, podSpec('late', usingClaims('doomed')));
    await failedScheduling(c, 'late', pre('persistentvolumeclaim "doomed" is being deleted'));
    await deletePod('holder');
    await failedScheduling(c, 'late', pre('persistentvolumeclaim "doomed" not found'));

    for (const p of ['no-claim', 'on-lost', 'on-immediate', 'late']) await deletePod(p);
    for (const n of ['lost', 'immediate', 'data', 'pinned', 'reserve', 'no-static-left']) {
      await c.client.delete(PersistentVolumeClaims, { namespace: 'default', name: n }).catch(() => {});
    }
  });
});
