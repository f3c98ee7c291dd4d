// What happens to a PV when its claim goes (spec group e, E23-E31): Retain keeps it Released
// and never rebinds it; Delete removes the storage and the PV or marks it Failed with the
// reason; a PV the controller bound to a claim that went elsewhere is rolled back; a claim
// whose PV vanished is Lost until it comes back.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PersistentVolumeClaims, PersistentVolumes } from '../../src/core/index.js';
import { eventually } from './helpers.js';
import {
  boundClaim, claim, eventWith, getClaim, getVolume, gone, startStorageCluster, volume, volumePhase, type StorageCluster,
} from './storage-support.js';

describe('storage: reclaim', () => {
  let s: StorageCluster;
  before(async () => { s = await startStorageCluster(); });
  after(async () => { await s?.stop(); });
  const client = () => s.cluster.client;
  const deleteClaim = (name: string) => client().delete(PersistentVolumeClaims, { namespace: 'default', name });
  const forceDeleteVolume = async (name: string) => {
    await client().delete(PersistentVolumes, { name }).catch(() => {});
    await client().patch(PersistentVolumes, { name }, 'merge', { metadata: { finalizers: null } }).catch(() => {});
    await gone(() => getVolume(s.cluster, name), `PV ${name}`);
  };

  it('Retain: the PV is Released with the old claimRef and never rebinds, not even to a namesake (E26, E29, E31)', async () => {
    await client().create(PersistentVolumes, volume('keep', { reclaim: 'Retain', storageClassName: 'keep' }));
    await client().create(PersistentVolumeClaims, claim('keep', { storageClassName: 'keep' }));
    const first = await boundClaim(s.cluster, 'keep');
    await deleteClaim('keep');
    await gone(() => getClaim(s.cluster, 'keep'), 'claim keep');
    const released = await volumePhase(s.cluster, 'keep', 'Released');
    assert.equal(released.spec?.claimRef?.uid, first.metadata?.uid);

    await client().create(PersistentVolumeClaims, claim('keep', { storageClassName: 'keep' }));
    const failed = await eventWith(s.cluster, 'PersistentVolumeClaim', 'keep', 'ProvisioningFailed');
    assert.equal(failed.message, 'storageclass.storage.k8s.io "keep" not found');
    assert.equal((await getClaim(s.cluster, 'keep')).status?.phase, 'Pending');
    assert.equal((await getVolume(s.cluster, 'keep')).status?.phase, 'Released');

    // The administrator makes it reusable for that name by dropping only the uid (E31).
    await client().patch(PersistentVolumes, { name: 'keep' }, 'json', [{ op: 'remove', path: '/spec/claimRef/uid' }]);
    const second = await boundClaim(s.cluster, 'keep');
    assert.equal(second.spec?.volumeName, 'keep');
    assert.notEqual(second.metadata?.uid, first.metadata?.uid);
    await deleteClaim('keep');
    await forceDeleteVolume('keep');
  });

  it('Delete of a hostPath PV outside /tmp fails as upstream does: Failed, with the reason (E29)', async () => {
    await client().create(PersistentVolumes, volume('del-mnt', { reclaim: 'Delete', storageClassName: 'del', path: '/mnt/berth-test/data' }));
    await client().create(PersistentVolumeClaims, claim('del-mnt', { storageClassName: 'del' }));
    await boundClaim(s.cluster, 'del-mnt');
    await deleteClaim('del-mnt');
    const failed = await volumePhase(s.cluster, 'del-mnt', 'Failed');
    const message = 'host_path deleter only supports /tmp/.+ but received provided /mnt/berth-test/data';
    assert.equal(failed.status?.message, message);
    const ev = await eventWith(s.cluster, 'PersistentVolume', 'del-mnt', 'VolumeFailedDelete');
    assert.deepEqual([ev.type, ev.message, ev.source], ['Warning', message, 'persistentvolume-controller']);
    await forceDeleteVolume('del-mnt');
  });

  it('Delete of a local PV has no deleter: Failed (E29)', async () => {
    const pv = volume('del-local', { reclaim: 'Delete', storageClassName: 'del' });
    delete pv.spec!.hostPath;
    pv.spec!.local = { path: '/mnt/berth-test/local' };
    pv.spec!.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-a'] }] }] } };
    await client().create(PersistentVolumes, pv);
    await client().create(PersistentVolumeClaims, claim('del-local', { storageClassName: 'del' }));
    await boundClaim(s.cluster, 'del-local');
    await deleteClaim('del-local');
    const failed = await volumePhase(s.cluster, 'del-local', 'Failed');
    assert.equal(failed.status?.message, 'error getting deleter volume plugin for volume "del-local": no deletable volume plugin matched');
    await forceDeleteVolume('del-local');
  });

  it('Delete of a hostPath PV under /tmp removes the directory, then the PV (E29)', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-hostpath-'));
    if (!/\/tmp\/.+/.test(dir)) return t.skip(`temp dir ${dir} is not under /tmp`);
    writeFileSync(join(dir, 'data'), 'x');
    await client().create(PersistentVolumes, volume('del-tmp', { reclaim: 'Delete', storageClassName: 'del', path: dir }));
    await client().create(PersistentVolumeClaims, claim('del-tmp', { storageClassName: 'del' }));
    await boundClaim(s.cluster, 'del-tmp');
    await deleteClaim('del-tmp');
    await gone(() => getVolume(s.cluster, 'del-tmp'), 'PV del-tmp');
    assert.equal(existsSync(dir), false);
  });

  it('Recycle has no recycler: Failed with VolumeFailedRecycle (E29)', async () => {
    await client().create(PersistentVolumes, volume('recycle', { reclaim: 'Recycle', storageClassName: 'rec' }));
    await client().create(PersistentVolumeClaims, claim('recycle', { storageClassName: 'rec' }));
    await boundClaim(s.cluster, 'recycle');
    await deleteClaim('recycle');
    await volumePhase(s.cluster, 'recycle', 'Failed');
    const ev = await eventWith(s.cluster, 'PersistentVolume', 'recycle', 'VolumeFailedRecycle');
    assert.equal(ev.message, 'No recycler plugin found for the volume!');
    await forceDeleteVolume('recycle');
  });

  it('rolls back a PV bound to a claim that is bound elsewhere: all of it if the controller bound it, the uid if a user did (E28)', async () => {
    await client().create(PersistentVolumes, volume('home', { storageClassName: 'roll' }));
    await client().create(PersistentVolumeClaims, claim('roller', { storageClassName: 'roll' }));
    const c = await boundClaim(s.cluster, 'roller');
    assert.equal(c.spec?.volumeName, 'home');
    const ref = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'roller', uid: c.metadata?.uid };

    const byController = volume('stray-ctrl', { storageClassName: 'roll', claimRef: ref });
    byController.metadata!.annotations = { 'pv.kubernetes.io/bound-by-controller': 'yes' };
    await client().create(PersistentVolumes, byController);
    const rolled = await eventually(async () => { const pv = await getVolume(s.cluster, 'stray-ctrl'); return pv.status?.phase === 'Available' && !pv.spec?.claimRef && pv; }, 'stray-ctrl unbound');
    assert.equal(rolled.metadata?.annotations, undefined);

    await client().create(PersistentVolumes, volume('stray-user', { storageClassName: 'roll', claimRef: ref }));
    const kept = await eventually(async () => { const pv = await getVolume(s.cluster, 'stray-user'); return pv.status?.phase === 'Available' && pv; }, 'stray-user Available');
    assert.deepEqual([kept.spec?.claimRef?.name, kept.spec?.claimRef?.uid], ['roller', undefined], 'still reserved for the claim name');
    await deleteClaim('roller');
    for (const n of ['home', 'stray-ctrl', 'stray-user']) await forceDeleteVolume(n);
  });

  it('a bound claim whose PV vanished is Lost, and Bound again when it returns (E24, E25)', async () => {
    await client().create(PersistentVolumes, volume('lost', { storageClassName: 'lost' }));
    await client().create(PersistentVolumeClaims, claim('lost', { storageClassName: 'lost' }));
    const c = await boundClaim(s.cluster, 'lost');
    await forceDeleteVolume('lost');
    const lost = await eventually(async () => { const x = await getClaim(s.cluster, 'lost'); return x.status?.phase === 'Lost' && x; }, 'claim Lost');
    assert.equal(lost.spec?.volumeName, 'lost');
    assert.equal(lost.status?.capacity, undefined);
    const ev = await eventWith(s.cluster, 'PersistentVolumeClaim', 'lost', 'ClaimLost');
    assert.deepEqual([ev.type, ev.message], ['Warning', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!']);

    await client().create(PersistentVolumes, volume('lost', { storageClassName: 'lost', claimRef: { namespace: 'default', name: 'lost', uid: c.metadata?.uid } }));
    const back = await boundClaim(s.cluster, 'lost');
    assert.deepEqual(back.status?.capacity, { storage: '1Gi' });
    await volumePhase(s.cluster, 'lost', 'Bound');
    await deleteClaim('lost');
    await forceDeleteVolume('lost');
  });
});
