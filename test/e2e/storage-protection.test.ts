// Protection finalizers (spec group g, G1-G9): a claim in use by a scheduled pod — in any
// phase — stays Terminating until no such pod exists; unscheduled pods do not count; a bound
// PV that is deleted stays until its claim lets go; missing finalizers are put back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PersistentVolumeClaims, PersistentVolumes, Pods, type KubeObject } from '../../src/core/index.js';
import { eventually } from './helpers.js';
import {
  NODE, boundClaim, claim, getClaim, getVolume, gone, startStorageCluster, volume, volumePhase, type StorageCluster,
} from './storage-support.js';

function pod(name: string, claimName: string, nodeName?: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    },
  };
}

describe('storage: protection', () => {
  let s: StorageCluster;
  before(async () => { s = await startStorageCluster(); });
  after(async () => { await s?.stop(); });
  const client = () => s.cluster.client;
  const deletePod = async (name: string) => {
    await client().delete(Pods, { namespace: 'default', name }, { gracePeriodSeconds: 0 });
    await gone(() => client().get(Pods, { namespace: 'default', name }), `pod ${name}`);
  };
  const terminating = (name: string) => eventually(async () => {
    const c = await getClaim(s.cluster, name);
    return !!c.metadata?.deletionTimestamp && c;
  }, `claim ${name} Terminating`);
  /** The controller had its look: it re-adds a finalizer to a probe claim after each of ours. */
  const settled = async () => {
    const probe = `probe-${Math.random().toString(36).slice(2, 8)}`;
    await client().create(PersistentVolumeClaims, claim(probe, { storageClassName: 'probe' }));
    await client().patch(PersistentVolumeClaims, { namespace: 'default', name: probe }, 'merge', { metadata: { finalizers: null } });
    await eventually(async () => ((await getClaim(s.cluster, probe)).metadata?.finalizers ?? []).includes('kubernetes.io/pvc-protection'), 'finalizer re-added');
    await client().delete(PersistentVolumeClaims, { namespace: 'default', name: probe });
  };

  it('keeps a claim used by a scheduled pod until the pod is gone (G2, G3, G7, G8)', async () => {
    await client().create(PersistentVolumes, volume('used', { storageClassName: 'prot', reclaim: 'Retain' }));
    await client().create(PersistentVolumeClaims, claim('used', { storageClassName: 'prot' }));
    await boundClaim(s.cluster, 'used');
    await client().create(Pods, pod('user', 'used', NODE));
    await client().delete(PersistentVolumeClaims, { namespace: 'default', name: 'used' });
    const held = await terminating('used');
    assert.deepEqual(held.metadata?.finalizers, ['kubernetes.io/pvc-protection']);
    await settled();
    const still = await getClaim(s.cluster, 'used');
    assert.equal(still.status?.phase, 'Bound', 'binding is unchanged while Terminating');
    assert.equal((await getVolume(s.cluster, 'used')).status?.phase, 'Bound');

    await deletePod('user');
    await gone(() => getClaim(s.cluster, 'used'), 'claim used');
    await volumePhase(s.cluster, 'used', 'Released');
    await client().delete(PersistentVolumes, { name: 'used' });
    await gone(() => getVolume(s.cluster, 'used'), 'PV used');
  });

  it('counts finished pods but not unscheduled ones (G4, G5)', async () => {
    await client().create(PersistentVolumeClaims, claim('finished', { storageClassName: 'prot2' }));
    await client().create(Pods, pod('done', 'finished', NODE));
    await client().create(Pods, pod('unplaced', 'finished'));
    const done = await client().get<KubeObject>(Pods, { namespace: 'default', name: 'done' });
    await client().updateStatus(Pods, { ...done, status: { ...(done.status as object), phase: 'Succeeded' } });
    await client().delete(PersistentVolumeClaims, { namespace: 'default', name: 'finished' });
    await terminating('finished');
    await settled();
    assert.ok((await getClaim(s.cluster, 'finished')).metadata?.deletionTimestamp, 'a Succeeded pod still holds the claim');

    await deletePod('done');
    // Only the unscheduled pod is left: it does not hold the claim.
    await gone(() => getClaim(s.cluster, 'finished'), 'claim finished');
    await deletePod('unplaced');
  });

  it('puts a removed finalizer back on live claims and PVs (G1)', async () => {
    await client().create(PersistentVolumeClaims, claim('bare', { storageClassName: 'prot3' }));
    await client().patch(PersistentVolumeClaims, { namespace: 'default', name: 'bare' }, 'merge', { metadata: { finalizers: null } });
    await eventually(async () => ((await getClaim(s.cluster, 'bare')).metadata?.finalizers ?? []).includes('kubernetes.io/pvc-protection'), 'claim finalizer back');
    await client().create(PersistentVolumes, volume('bare', { storageClassName: 'prot3-pv' }));
    await client().patch(PersistentVolumes, { name: 'bare' }, 'merge', { metadata: { finalizers: null } });
    await eventually(async () => ((await getVolume(s.cluster, 'bare')).metadata?.finalizers ?? []).includes('kubernetes.io/pv-protection'), 'PV finalizer back');
    await client().delete(PersistentVolumeClaims, { namespace: 'default', name: 'bare' });
    await client().delete(PersistentVolumes, { name: 'bare' });
    await gone(() => getVolume(s.cluster, 'bare'), 'PV bare');
  });

  it('keeps a deleted PV while it is Bound, and lets it go once its claim is (G9)', async () => {
    await client().create(PersistentVolumes, volume('held', { storageClassName: 'prot4', reclaim: 'Retain' }));
    await client().create(PersistentVolumeClaims, claim('holder', { storageClassName: 'prot4' }));
    await boundClaim(s.cluster, 'holder');
    await client().delete(PersistentVolumes, { name: 'held' });
    const pv = await eventually(async () => { const v = await getVolume(s.cluster, 'held'); return !!v.metadata?.deletionTimestamp && v; }, 'PV Terminating');
    assert.equal(pv.status?.phase, 'Bound');
    await settled();
    assert.equal((await getVolume(s.cluster, 'held')).status?.phase, 'Bound');
    await client().delete(PersistentVolumeClaims, { namespace: 'default', name: 'holder' });
    await gone(() => getVolume(s.cluster, 'held'), 'PV held');
  });
});
