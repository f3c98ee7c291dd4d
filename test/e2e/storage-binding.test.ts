// Static PV/PVC binding against a real API server (spec group e; upstream binder_test.go and
// index_test.go cases): smallest fit inside the first access-mode group, classes, selectors,
// volumeMode, pre-binding from either side, and the status and annotations binding writes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PersistentVolumeClaims, PersistentVolumes } from '../../src/core/index.js';
import {
  boundClaim, claim, eventWith, getClaim, getVolume, startStorageCluster, volume, volumePhase, type StorageCluster,
} from './storage-support.js';

describe('storage: static binding', () => {
  let s: StorageCluster;
  before(async () => { s = await startStorageCluster(); });
  after(async () => { await s?.stop(); });

  const create = {
    pv: (o: Parameters<typeof volume>[1] & { name: string }) => s.cluster.client.create(PersistentVolumes, volume(o.name, o)),
    pvc: (o: Parameters<typeof claim>[1] & { name: string }) => s.cluster.client.create(PersistentVolumeClaims, claim(o.name, o)),
  };
  const cleanup = async (pvs: string[], pvcs: string[]) => {
    for (const name of pvcs) await s.cluster.client.delete(PersistentVolumeClaims, { namespace: 'default', name }).catch(() => {});
    for (const name of pvs) await s.cluster.client.delete(PersistentVolumes, { name }).catch(() => {});
  };

  it('binds the smallest fit of the fewest-modes group, and copies capacity and modes into the claim (E6, E10, E15, E17)', async () => {
    await create.pv({ name: 'fit-rwo-5g', capacity: '5Gi', storageClassName: 'manual' });
    await create.pv({ name: 'fit-rwo-2g', capacity: '2Gi', storageClassName: 'manual' });
    await create.pv({ name: 'fit-rwo-512m', capacity: '512Mi', storageClassName: 'manual' });
    // Smaller, but in a group with more modes: never looked at while the RWO group has a fit.
    await create.pv({ name: 'fit-rwo-rox-1g', capacity: '1Gi', modes: ['ReadWriteOnce', 'ReadOnlyMany'], storageClassName: 'manual' });
    await volumePhase(s.cluster, 'fit-rwo-rox-1g', 'Available');
    await volumePhase(s.cluster, 'fit-rwo-2g', 'Available');
    await create.pvc({ name: 'fit', storageClassName: 'manual' });

    const pvc = await boundClaim(s.cluster, 'fit');
    assert.equal(pvc.spec?.volumeName, 'fit-rwo-2g');
    assert.deepEqual(pvc.status?.capacity, { storage: '2Gi' }, 'the claim shows the PV size, not its request');
    assert.deepEqual(pvc.status?.accessModes, ['ReadWriteOnce']);
    assert.equal(pvc.metadata?.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(pvc.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');

    const pv = await volumePhase(s.cluster, 'fit-rwo-2g', 'Bound');
    assert.equal(pv.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.deepEqual(pv.spec?.claimRef && { ...pv.spec.claimRef, resourceVersion: undefined },
      { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'fit', uid: pvc.metadata?.uid, resourceVersion: undefined });
    for (const other of ['fit-rwo-5g', 'fit-rwo-512m', 'fit-rwo-rox-1g']) assert.equal((await getVolume(s.cluster, other)).status?.phase, 'Available');

    // A claim for both modes can only use the two-mode group.
    await create.pvc({ name: 'fit-rox', storageClassName: 'manual', modes: ['ReadOnlyMany'] });
    assert.equal((await boundClaim(s.cluster, 'fit-rox')).spec?.volumeName, 'fit-rwo-rox-1g');
    await cleanup(['fit-rwo-5g', 'fit-rwo-2g', 'fit-rwo-512m', 'fit-rwo-rox-1g'], ['fit', 'fit-rox']);
  });

  it('never binds across classes: "" matches only ""; a class that does not exist is reported (E5, E9, F4)', async () => {
    await create.pv({ name: 'cls-fast', storageClassName: 'fast' });
    await volumePhase(s.cluster, 'cls-fast', 'Available');
    await create.pvc({ name: 'cls-none', storageClassName: '' });
    const failed = await eventWith(s.cluster, 'PersistentVolumeClaim', 'cls-none', 'FailedBinding');
    assert.deepEqual(failed, {
      type: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set',
      count: 1, source: 'persistentvolume-controller',
    });
    await create.pvc({ name: 'cls-slow', storageClassName: 'slow' });
    const missing = await eventWith(s.cluster, 'PersistentVolumeClaim', 'cls-slow', 'ProvisioningFailed');
    assert.equal(missing.type, 'Warning');
    assert.equal(missing.message, 'storageclass.storage.k8s.io "slow" not found');
    for (const name of ['cls-none', 'cls-slow']) assert.equal((await getClaim(s.cluster, name)).status?.phase, 'Pending');
    assert.equal((await getVolume(s.cluster, 'cls-fast')).status?.phase, 'Available');

    // The right class binds at once.
    await create.pvc({ name: 'cls-fast', storageClassName: 'fast' });
    assert.equal((await boundClaim(s.cluster, 'cls-fast')).spec?.volumeName, 'cls-fast');
    await cleanup(['cls-fast'], ['cls-none', 'cls-slow', 'cls-fast']);
  });

  it('binds a PV created after the claim, as soon as it is Available', async () => {
    await create.pvc({ name: 'late', storageClassName: 'late' });
    await eventWith(s.cluster, 'PersistentVolumeClaim', 'late', 'ProvisioningFailed');
    await create.pv({ name: 'late-pv', storageClassName: 'late' });
    assert.equal((await boundClaim(s.cluster, 'late')).spec?.volumeName, 'late-pv');
    await cleanup(['late-pv'], ['late']);
  });

  it('honours the claim selector and volumeMode (E7, E9)', async () => {
    await create.pv({ name: 'sel-ssd-small', capacity: '1Gi', storageClassName: 'sel', labels: { disk: 'ssd', zone: 'a' } });
    await create.pv({ name: 'sel-ssd-big', capacity: '3Gi', storageClassName: 'sel', labels: { disk: 'ssd', zone: 'b' } });
    await create.pv({ name: 'sel-hdd', capacity: '1Gi', storageClassName: 'sel', labels: { disk: 'hdd' } });
    await create.pv({ name: 'sel-block', capacity: '1Gi', storageClassName: 'sel', labels: { disk: 'ssd', zone: 'a' }, volumeMode: 'Block' });
    for (const n of ['sel-ssd-small', 'sel-ssd-big', 'sel-hdd', 'sel-block']) await volumePhase(s.cluster, n, 'Available');
    await create.pvc({
      name: 'sel', storageClassName: 'sel',
      selector: { matchLabels: { disk: 'ssd' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['b', 'c'] }] },
    });
    assert.equal((await boundClaim(s.cluster, 'sel')).spec?.volumeName, 'sel-ssd-big');
    await create.pvc({ name: 'sel-block', storageClassName: 'sel', volumeMode: 'Block' });
    assert.equal((await boundClaim(s.cluster, 'sel-block')).spec?.volumeName, 'sel-block');
    await cleanup(['sel-ssd-small', 'sel-ssd-big', 'sel-hdd', 'sel-block'], ['sel', 'sel-block']);
  });

  it('keeps a PV pre-bound to another claim for that claim, which gets it whatever its class (E8)', async () => {
    await create.pv({ name: 'pre', capacity: '1Gi', storageClassName: 'pre', claimRef: { namespace: 'default', name: 'pre-owner' } });
    await volumePhase(s.cluster, 'pre', 'Available');
    await create.pvc({ name: 'pre-thief', storageClassName: 'pre' });
    await eventWith(s.cluster, 'PersistentVolumeClaim', 'pre-thief', 'ProvisioningFailed');
    assert.equal((await getClaim(s.cluster, 'pre-thief')).status?.phase, 'Pending');
    // Class and selector are not checked for a claimRef pre-binding (quirk).
    await create.pvc({ name: 'pre-owner', storageClassName: 'other', selector: { matchLabels: { nothing: 'matches' } } });
    const owner = await boundClaim(s.cluster, 'pre-owner');
    assert.equal(owner.spec?.volumeName, 'pre');
    assert.equal(owner.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    const pv = await volumePhase(s.cluster, 'pre', 'Bound');
    assert.equal(pv.spec?.claimRef?.uid, owner.metadata?.uid);
    assert.equal(pv.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined, 'the user bound it, not the controller');
    await cleanup(['pre'], ['pre-thief', 'pre-owner']);
  });

  it('binds by spec.volumeName only after its own checks, reporting why not (E19, E21)', async () => {
    await create.pv({ name: 'named-small', capacity: '1Gi', storageClassName: 'named' });
    await volumePhase(s.cluster, 'named-small', 'Available');
    await create.pvc({ name: 'named-big', request: '2Gi', storageClassName: 'named', volumeName: 'named-small' });
    const mismatch = await eventWith(s.cluster, 'PersistentVolumeClaim', 'named-big', 'VolumeMismatch');
    assert.equal(mismatch.type, 'Warning');
    assert.equal(mismatch.message, 'Cannot bind to requested volume "named-small": requested PV is too small');
    await create.pvc({ name: 'named-class', storageClassName: 'other', volumeName: 'named-small' });
    assert.equal((await eventWith(s.cluster, 'PersistentVolumeClaim', 'named-class', 'VolumeMismatch')).message,
      'Cannot bind to requested volume "named-small": storageClassName does not match');

    // Selector and phase are not checked on this path; a fitting claim binds and keeps no bound-by-controller.
    await create.pvc({ name: 'named-ok', storageClassName: 'named', volumeName: 'named-small', selector: { matchLabels: { no: 'match' } } });
    const ok = await boundClaim(s.cluster, 'named-ok');
    assert.equal(ok.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
    assert.equal((await volumePhase(s.cluster, 'named-small', 'Bound')).metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');

    await create.pvc({ name: 'named-late', storageClassName: 'named', volumeName: 'named-small' });
    const taken = await eventWith(s.cluster, 'PersistentVolumeClaim', 'named-late', 'FailedBinding');
    assert.deepEqual([taken.type, taken.message], ['Warning', 'volume "named-small" already bound to a different claim.']);
    assert.equal((await getClaim(s.cluster, 'named-late')).status?.phase, 'Pending');
    await cleanup(['named-small'], ['named-big', 'named-class', 'named-ok', 'named-late']);
  });

  it('binds a claim naming a PV that does not exist yet once it is created (E18)', async () => {
    await create.pvc({ name: 'wants-later', storageClassName: 'later', volumeName: 'later-pv' });
    await create.pv({ name: 'later-pv', storageClassName: 'later' });
    assert.equal((await boundClaim(s.cluster, 'wants-later')).spec?.volumeName, 'later-pv');
    await cleanup(['later-pv'], ['wants-later']);
  });
  it('treats a PV pre-bound by name to one claim as taken for a claim asking for it by volumeName (E22)', async () => {
    await create.pv({ name: 'reserved', storageClassName: 'res', claimRef: { namespace: 'default', name: 'res-owner' } });
    await volumePhase(s.cluster, 'reserved', 'Available');
    await create.pvc({ name: 'res-other', storageClassName: 'res', volumeName: 'reserved' });
    const ev = await eventWith(s.cluster, 'PersistentVolumeClaim', 'res-other', 'FailedBinding');
    assert.equal(ev.message, 'volume "reserved" already bound to a different claim.');
    assert.equal((await getClaim(s.cluster, 'res-other')).status?.phase, 'Pending');
    await cleanup(['reserved'], ['res-other']);
  });

  it('reports a PV bound to a claim of another volumeMode on both objects (E27)', async () => {
    await create.pvc({ name: 'fs-claim', storageClassName: 'modes' });
    const c = await getClaim(s.cluster, 'fs-claim');
    await create.pv({ name: 'block-pv', storageClassName: 'modes', volumeMode: 'Block', claimRef: { namespace: 'default', name: 'fs-claim', uid: c.metadata!.uid! } });
    const onPv = await eventWith(s.cluster, 'PersistentVolume', 'block-pv', 'VolumeMismatch');
    assert.deepEqual([onPv.type, onPv.message], ['Warning', 'Cannot bind PersistentVolume to requested PersistentVolumeClaim "fs-claim" due to incompatible volumeMode.']);
    const onClaim = await eventWith(s.cluster, 'PersistentVolumeClaim', 'fs-claim', 'VolumeMismatch');
    assert.equal(onClaim.message, 'Cannot bind PersistentVolume "block-pv" to requested PersistentVolumeClaim due to incompatible volumeMode.');
    assert.equal((await getClaim(s.cluster, 'fs-claim')).status?.phase, 'Pending');
    assert.equal((await getVolume(s.cluster, 'block-pv')).status?.phase, 'Pending', 'neither Available nor Bound: waiting for a claim that will never take it');
    await cleanup(['block-pv'], ['fs-claim']);
  });
});
