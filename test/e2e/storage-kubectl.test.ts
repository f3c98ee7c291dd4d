// The storage walkthrough a user does with the stock kubectl: the seed's pvc.yaml on a fresh
// cluster and its pod (spec.nodeName set, no scheduler), `kubectl get pvc/pv` showing the
// claim Bound to a `pvc-<uid>` volume of 1Gi, RWO, local-path, the directory on disk, and
// `kubectl describe pvc` telling the story in events — including for a claim that cannot bind.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { PersistentVolumes, Pods, type KubeObject } from '../../src/core/index.js';
import { KUBECTL_VERSIONS } from '../../src/testing/index.js';
import { SEED, eventually, ok, tableRows, writeManifest } from './helpers.js';
import { NODE, eventWith, getClaim, gone, startStorageCluster, type StorageCluster } from './storage-support.js';

describe('storage: kubectl', () => {
  let s: StorageCluster;
  let k: ReturnType<StorageCluster['cluster']['kubectl']>;
  before(async () => {
    s = await startStorageCluster();
    k = s.cluster.kubectl('33');
  });
  after(async () => { await s?.stop(); });

  it('binds the seed claim for a pod placed on a node, and shows it as upstream does', async () => {
    assert.match(ok(await k(['create', '-f', join(SEED, 'pvc.yaml')])), /persistentvolumeclaim\/pv-claim created/);
    await eventWith(s.cluster, 'PersistentVolumeClaim', 'pv-claim', 'WaitForFirstConsumer');
    const pending = tableRows(ok(await k(['get', 'pvc', 'pv-claim'])));
    assert.deepEqual(pending[1]!.slice(0, 2), ['pv-claim', 'Pending']);

    // The seed's pod, placed on the node by hand (nothing schedules it).
    const seedPod = parse(readFileSync(join(SEED, 'pod.yaml'), 'utf8')) as KubeObject;
    await s.cluster.client.create(Pods, { ...seedPod, metadata: { ...seedPod.metadata, namespace: 'default' }, spec: { ...(seedPod.spec as object), nodeName: NODE } });

    const uid = (await getClaim(s.cluster, 'pv-claim')).metadata!.uid!;
    const pvName = `pvc-${uid}`;
    await eventually(async () => (await getClaim(s.cluster, 'pv-claim')).status?.phase === 'Bound', 'pv-claim Bound');
    for (const version of KUBECTL_VERSIONS) {
      const rows = tableRows(ok(await s.cluster.kubectl(version)(['get', 'pvc'])));
      assert.deepEqual(rows[1]!.slice(0, 6), ['pv-claim', 'Bound', pvName, '1Gi', 'RWO', 'local-path'], `kubectl 1.${version}`);
    }
    const pvRows = tableRows(ok(await k(['get', 'pv'])));
    assert.deepEqual(pvRows[0]!.slice(0, 7), ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS']);
    assert.deepEqual(pvRows[1]!.slice(0, 7), [pvName, '1Gi', 'RWO', 'Delete', 'Bound', 'default/pv-claim', 'local-path']);
    assert.ok(existsSync(join(s.root, pvName)), `directory ${pvName} exists`);

    await eventWith(s.cluster, 'PersistentVolumeClaim', 'pv-claim', 'ProvisioningSucceeded');
    const described = ok(await k(['describe', 'pvc', 'pv-claim']));
    assert.match(described, /^Status:\s+Bound$/m);
    assert.match(described, new RegExp(`^Volume:\\s+${pvName}$`, 'm'));
    assert.match(described, /^Capacity:\s+1Gi$/m);
    assert.match(described, /^Access Modes:\s+RWO$/m);
    assert.match(described, /^Used By:\s+pv-pod$/m);
    assert.match(described, /Normal\s+WaitForFirstConsumer\s+[^\n]*?\s+persistentvolume-controller\s+waiting for first consumer to be created before binding/);
    assert.match(described, /Normal\s+ExternalProvisioning\s+[^\n]*?\s+persistentvolume-controller\s+Waiting for a volume to be created either by the external provisioner 'berth\.dev\/local-path'/);
    assert.match(described, new RegExp(`Normal\\s+Provisioning\\s+[^\\n]*?\\s+berth\\.dev/local-path_${NODE}\\s+External provisioner is provisioning volume for claim "default/pv-claim"`));
    assert.match(described, new RegExp(`Normal\\s+ProvisioningSucceeded\\s+[^\\n]*?\\s+berth\\.dev/local-path_${NODE}\\s+Successfully provisioned volume ${pvName}`));

    const pv = ok(await k(['describe', 'pv', pvName]));
    assert.match(pv, /Required Terms:\s+Term 0:\s+kubernetes\.io\/hostname in \[node-a\]/);
    assert.match(pv, /^Annotations:\s+pv\.kubernetes\.io\/bound-by-controller: yes\n\s+pv\.kubernetes\.io\/provisioned-by: berth\.dev\/local-path$/m);

    // Deleting the claim while the pod uses it: Terminating until the pod goes, then the volume is deleted with it.
    ok(await k(['delete', 'pvc', 'pv-claim', '--wait=false']));
    assert.equal(tableRows(ok(await k(['get', 'pvc', 'pv-claim'])))[1]![1], 'Terminating');
    ok(await k(['delete', 'pod', 'pv-pod', '--grace-period=0', '--force']));
    await gone(() => s.cluster.client.get(PersistentVolumes, { name: pvName }), `PV ${pvName}`);
    assert.equal(existsSync(join(s.root, pvName)), false, 'the directory is removed');
  });

  it('explains in `kubectl describe pvc` why a claim can never bind', async () => {
    const file = writeManifest(s.cluster.dir, 'rwx.yaml', [
      'apiVersion: storage.k8s.io/v1', 'kind: StorageClass', 'metadata: {name: local-now}', 'provisioner: berth.dev/local-path',
      'volumeBindingMode: Immediate', '---',
      'apiVersion: v1', 'kind: PersistentVolumeClaim', 'metadata: {name: shared}',
      'spec: {storageClassName: local-now, accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}', '',
    ].join('\n'));
    ok(await k(['apply', '-f', file]));
    await eventWith(s.cluster, 'PersistentVolumeClaim', 'shared', 'ProvisioningFailed');
    const described = ok(await k(['describe', 'pvc', 'shared']));
    assert.match(described, /^Status:\s+Pending$/m);
    assert.match(described, /Warning\s+ProvisioningFailed\s+[^\n]*?\s+berth\.dev\/local-path_node-a\s+failed to provision volume with StorageClass "local-now": access mode ReadWriteMany is not supported by berth\.dev\/local-path: .*ask for ReadWriteOnce/);
    ok(await k(['delete', '-f', file]));
  });
});
