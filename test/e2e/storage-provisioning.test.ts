// Dynamic provisioning (spec group f and E11-E14): WaitForFirstConsumer waits for a node,
// local-path makes `<root>/pvc-<uid>` pinned to it and removes it on Delete; Immediate classes
// provision at once; static PVs win; claims no provisioner can serve say why.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PersistentVolumeClaims, PersistentVolumes, Pods, StorageClasses, type KubeObject } from '../../src/core/index.js';
import type { Provisioner } from '../../src/volumes/index.js';
import { eventually } from './helpers.js';
import {
  NODE, boundClaim, claim, eventWith, eventsFor, getClaim, getVolume, gone, startStorageCluster, volume, volumePhase,
  type StorageCluster,
} from './storage-support.js';

const EXTERNAL = (p: string) => `Waiting for a volume to be created either by the external provisioner '${p}' or manually by the system administrator. ` +
  'If volume creation is delayed, please verify that the provisioner is running and correctly registered.';

function storageClass(name: string, o: { provisioner?: string; mode?: string; reclaim?: string; parameters?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name },
    provisioner: o.provisioner ?? 'berth.dev/local-path', volumeBindingMode: o.mode ?? 'Immediate',
    reclaimPolicy: o.reclaim ?? 'Delete', ...(o.parameters ? { parameters: o.parameters } : {}),
  };
}

function pod(name: string, claimName: string, nodeName?: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
  };
}

describe('storage: provisioning', () => {
  let s: StorageCluster;
  before(async () => {
    s = await startStorageCluster();
    await s.cluster.client.create(StorageClasses, storageClass('instant'));
    await s.cluster.client.create(StorageClasses, storageClass('instant-retain', { reclaim: 'Retain' }));
    await s.cluster.client.create(StorageClasses, storageClass('elsewhere', { provisioner: 'example.com/nfs' }));
    await s.cluster.client.create(StorageClasses, storageClass('manual', { provisioner: 'kubernetes.io/no-provisioner' }));
    await s.cluster.client.create(StorageClasses, storageClass('tuned', { parameters: { speed: 'fast' } }));
  });
  after(async () => { await s?.stop(); });
  const client = () => s.cluster.client;
  const deleteClaim = (name: string) => client().delete(PersistentVolumeClaims, { namespace: 'default', name });

  it('WaitForFirstConsumer: waits, names the unscheduled pod, then provisions on the selected node (E14, F5, F7, F11)', async () => {
    await client().create(PersistentVolumeClaims, claim('wffc', { storageClassName: null }));
    const c = await getClaim(s.cluster, 'wffc');
    assert.equal(c.spec?.storageClassName, 'local-path', 'the default class');
    const waiting = await eventWith(s.cluster, 'PersistentVolumeClaim', 'wffc', 'WaitForFirstConsumer');
    assert.deepEqual([waiting.type, waiting.message, waiting.source], ['Normal', 'waiting for first consumer to be created before binding', 'persistentvolume-controller']);

    await client().create(Pods, pod('wffc-user', 'wffc'));
    const scheduled = await eventWith(s.cluster, 'PersistentVolumeClaim', 'wffc', 'WaitForPodScheduled');
    assert.equal(scheduled.message, 'waiting for pod wffc-user to be scheduled');
    assert.equal((await getClaim(s.cluster, 'wffc')).status?.phase, 'Pending');

    // What the scheduler does once it has picked a node.
    await client().patch(PersistentVolumeClaims, { namespace: 'default', name: 'wffc' }, 'merge',
      { metadata: { annotations: { 'volume.kubernetes.io/selected-node': NODE } } });
    const bound = await boundClaim(s.cluster, 'wffc');
    const pvName = `pvc-${c.metadata?.uid}`;
    assert.equal(bound.spec?.volumeName, pvName);
    assert.equal(bound.metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'], 'berth.dev/local-path');
    assert.equal(bound.metadata?.annotations?.['volume.beta.kubernetes.io/storage-provisioner'], 'berth.dev/local-path');
    assert.deepEqual(bound.status?.capacity, { storage: '1Gi' });

    const pv = await volumePhase(s.cluster, pvName, 'Bound');
    const dir = join(s.root, pvName);
    assert.deepEqual(pv.spec?.capacity, { storage: '1Gi' });
    assert.deepEqual(pv.spec?.accessModes, ['ReadWriteOnce']);
    assert.equal(pv.spec?.volumeMode, 'Filesystem');
    assert.equal(pv.spec?.storageClassName, 'local-path');
    assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Delete');
    assert.deepEqual(pv.spec?.local, { path: dir });
    assert.deepEqual(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms,
      [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [NODE] }] }]);
    assert.equal(pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'], 'berth.dev/local-path');
    assert.equal(pv.spec?.claimRef?.uid, c.metadata?.uid);
    assert.ok(existsSync(dir), 'the directory exists');

    const events = await eventually(async () => {
      const evs = await eventsFor(s.cluster, 'PersistentVolumeClaim', 'wffc');
      return evs.some((e) => e.reason === 'ProvisioningSucceeded') && evs;
    }, 'ProvisioningSucceeded');
    const by = (reason: string) => events.find((e) => e.reason === reason)!;
    assert.deepEqual([by('ExternalProvisioning').message, by('ExternalProvisioning').source], [EXTERNAL('berth.dev/local-path'), 'persistentvolume-controller']);
    assert.deepEqual([by('Provisioning').message, by('Provisioning').source],
      ['External provisioner is provisioning volume for claim "default/wffc"', `berth.dev/local-path_${NODE}`]);
    assert.equal(by('ProvisioningSucceeded').message, `Successfully provisioned volume ${pvName}`);

    // Delete reclaim: the directory and the PV go with the claim.
    await client().delete(Pods, { namespace: 'default', name: 'wffc-user' }, { gracePeriodSeconds: 0 });
    await deleteClaim('wffc');
    await gone(() => getVolume(s.cluster, pvName), `PV ${pvName}`);
    assert.equal(existsSync(dir), false, 'the directory is removed');
  });

  it('Immediate: provisions at creation; Retain keeps the directory when the claim goes (F2, F7, E29)', async () => {
    await client().create(PersistentVolumeClaims, claim('now', { storageClassName: 'instant-retain', request: '2Gi' }));
    const c = await boundClaim(s.cluster, 'now');
    const pvName = `pvc-${c.metadata?.uid}`;
    assert.equal(c.spec?.volumeName, pvName);
    assert.deepEqual(c.status?.capacity, { storage: '2Gi' });
    assert.equal((await getVolume(s.cluster, pvName)).spec?.persistentVolumeReclaimPolicy, 'Retain');
    await deleteClaim('now');
    await volumePhase(s.cluster, pvName, 'Released');
    assert.ok(existsSync(join(s.root, pvName)), 'Retain keeps the data');
    await client().delete(PersistentVolumes, { name: pvName });
    await gone(() => getVolume(s.cluster, pvName), `PV ${pvName}`);
    assert.ok(existsSync(join(s.root, pvName)), 'deleting a Retain PV keeps the data too');
  });

  it('prefers a matching static PV over provisioning (F13)', async () => {
    await client().create(PersistentVolumes, volume('static-instant', { storageClassName: 'instant', capacity: '5Gi' }));
    await volumePhase(s.cluster, 'static-instant', 'Available');
    await client().create(PersistentVolumeClaims, claim('prefers-static', { storageClassName: 'instant' }));
    assert.equal((await boundClaim(s.cluster, 'prefers-static')).spec?.volumeName, 'static-instant');
    await deleteClaim('prefers-static');
    await client().delete(PersistentVolumes, { name: 'static-instant' });
  });

  it('refuses what a directory cannot give, saying what to change (ReadWriteMany, selector, parameters)', async () => {
    await client().create(PersistentVolumeClaims, claim('shared', { storageClassName: 'instant', modes: ['ReadWriteMany'] }));
    const rwx = await eventWith(s.cluster, 'PersistentVolumeClaim', 'shared', 'ProvisioningFailed');
    assert.equal(rwx.type, 'Warning');
    assert.equal(rwx.message, 'failed to provision volume with StorageClass "instant": access mode ReadWriteMany is not supported by berth.dev/local-path: ' +
      'a local-path volume is a directory on one node\'s disk; ask for ReadWriteOnce (or ReadWriteOncePod) instead');

    await client().create(PersistentVolumeClaims, claim('picky', { storageClassName: 'instant', selector: { matchLabels: { a: 'b' } } }));
    assert.equal((await eventWith(s.cluster, 'PersistentVolumeClaim', 'picky', 'ProvisioningFailed')).message,
      'failed to provision volume with StorageClass "instant": claim Selector is not supported');

    await client().create(PersistentVolumeClaims, claim('tuned', { storageClassName: 'tuned' }));
    assert.equal((await eventWith(s.cluster, 'PersistentVolumeClaim', 'tuned', 'ProvisioningFailed')).message,
      'failed to provision volume with StorageClass "tuned": invalid StorageClass parameter "speed": berth.dev/local-path takes no parameters');

    for (const name of ['shared', 'picky', 'tuned']) {
      const pvc = await getClaim(s.cluster, name);
      assert.equal(pvc.status?.phase, 'Pending');
      await gone(() => getVolume(s.cluster, `pvc-${pvc.metadata?.uid}`), 'no PV');
      await deleteClaim(name);
    }
  });

  it('leaves other provisioners\' claims Pending with upstream\'s events (F6, F10)', async () => {
    await client().create(PersistentVolumeClaims, claim('nfs', { storageClassName: 'elsewhere' }));
    const ext = await eventWith(s.cluster, 'PersistentVolumeClaim', 'nfs', 'ExternalProvisioning');
    assert.deepEqual([ext.type, ext.message], ['Normal', EXTERNAL('example.com/nfs')]);
    assert.equal((await getClaim(s.cluster, 'nfs')).metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'], 'example.com/nfs');

    await client().create(PersistentVolumeClaims, claim('by-hand', { storageClassName: 'manual' }));
    const none = await eventWith(s.cluster, 'PersistentVolumeClaim', 'by-hand', 'ProvisioningFailed');
    assert.deepEqual([none.type, none.message], ['Warning', 'no volume plugin matched name: kubernetes.io/no-provisioner']);
    for (const name of ['nfs', 'by-hand']) {
      assert.equal((await getClaim(s.cluster, name)).status?.phase, 'Pending');
      await deleteClaim(name);
    }
  });

  it('gives a WaitForFirstConsumer claim of a pod placed by hand what the scheduler would: a static PV the node may use', async () => {
    const pinned = (name: string, node: string) => {
      const pv = volume(name, { storageClassName: 'local-path', capacity: '3Gi' });
      pv.spec!.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } };
      return pv;
    };
    await client().create(PersistentVolumes, pinned('other-node-pv', 'node-z'));
    await client().create(PersistentVolumes, pinned('this-node-pv', NODE));
    await volumePhase(s.cluster, 'this-node-pv', 'Available');
    await volumePhase(s.cluster, 'other-node-pv', 'Available');
    await client().create(PersistentVolumeClaims, claim('placed', { storageClassName: 'local-path' }));
    await client().create(Pods, pod('placed-user', 'placed', NODE));
    const c = await boundClaim(s.cluster, 'placed');
    assert.equal(c.spec?.volumeName, 'this-node-pv');
    assert.equal((await getVolume(s.cluster, 'other-node-pv')).status?.phase, 'Available');
    await client().delete(Pods, { namespace: 'default', name: 'placed-user' }, { gracePeriodSeconds: 0 });
    await deleteClaim('placed');
    for (const n of ['this-node-pv', 'other-node-pv']) await client().delete(PersistentVolumes, { name: n });
  });
});

describe('storage: retroactive default class (E13)', () => {
  let s: StorageCluster;
  before(async () => { s = await startStorageCluster(); });
  after(async () => { await s?.stop(); });

  it('gives a claim created with no class the default class that appears later', async () => {
    const client = s.cluster.client;
    await client.patch(StorageClasses, { name: 'local-path' }, 'merge',
      { metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } } });
    await client.create(PersistentVolumeClaims, claim('classless', { storageClassName: null }));
    const ev = await eventWith(s.cluster, 'PersistentVolumeClaim', 'classless', 'FailedBinding');
    assert.equal(ev.message, 'no persistent volumes available for this claim and no storage class is set');
    assert.equal((await getClaim(s.cluster, 'classless')).spec?.storageClassName, undefined);
    // An explicit "" is a choice, and stays.
    await client.create(PersistentVolumeClaims, claim('no-class', { storageClassName: '' }));
    await eventWith(s.cluster, 'PersistentVolumeClaim', 'no-class', 'FailedBinding');

    await client.patch(StorageClasses, { name: 'local-path' }, 'merge',
      { metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } });
    const adopted = await eventually(async () => (await getClaim(s.cluster, 'classless')).spec?.storageClassName, 'default class assigned');
    assert.equal(adopted, 'local-path');
    await eventWith(s.cluster, 'PersistentVolumeClaim', 'classless', 'WaitForFirstConsumer');
    assert.equal((await getClaim(s.cluster, 'no-class')).spec?.storageClassName, '');
  });
});

describe('storage: a provisioner that cannot delete', () => {
  // A storage backend whose delete fails: the one thing the real directory provisioner
  // cannot be made to do on demand (tests run as root, where removing a directory never fails).
  const failing: Provisioner = {
    name: 'test.berth.dev/stuck',
    async provision(req) {
      return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: req.pvName },
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/mnt/stuck/${req.pvName}` } } };
    },
    async delete() { throw new Error('the backend refused to delete the volume'); },
    owns: () => true,
  };
  let s: StorageCluster;
  before(async () => {
    s = await startStorageCluster({ extraProvisioners: [failing] });
    await s.cluster.client.create(StorageClasses, storageClass('stuck', { provisioner: 'test.berth.dev/stuck' }));
  });
  after(async () => { await s?.stop(); });

  it('marks the PV Failed with the reason and a VolumeFailedDelete event, and keeps it (E29)', async () => {
    const client = s.cluster.client;
    await client.create(PersistentVolumeClaims, claim('stuck', { storageClassName: 'stuck' }));
    const c = await boundClaim(s.cluster, 'stuck');
    const pvName = c.spec!.volumeName!;
    assert.deepEqual((await getVolume(s.cluster, pvName)).metadata?.finalizers,
      ['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection']);
    await client.delete(PersistentVolumeClaims, { namespace: 'default', name: 'stuck' });
    const failed = await volumePhase(s.cluster, pvName, 'Failed');
    assert.equal(failed.status?.message, 'the backend refused to delete the volume');
    const ev = await eventWith(s.cluster, 'PersistentVolume', pvName, 'VolumeFailedDelete');
    assert.deepEqual([ev.type, ev.source], ['Warning', `test.berth.dev/stuck_${NODE}`]);
    // Deleting the PV object does not lose track of the storage: the finalizer holds it.
    await client.delete(PersistentVolumes, { name: pvName });
    // pv-protection lets go (the PV is not Bound); the provisioner's finalizer stays.
    const held = await eventually(async () => {
      const v = await getVolume(s.cluster, pvName);
      return !!v.metadata?.deletionTimestamp && v.metadata.finalizers?.length === 1 && v;
    }, 'PV Terminating, held by the provisioner only');
    assert.deepEqual(held.metadata?.finalizers, ['external-provisioner.volume.kubernetes.io/finalizer']);
    await client.patch(PersistentVolumes, { name: pvName }, 'merge', { metadata: { finalizers: null } });
    await gone(() => getVolume(s.cluster, pvName), `PV ${pvName}`);
  });
});
