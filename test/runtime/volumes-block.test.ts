// The node's volume manager with local-block volumes, on real loop devices and mounts (no
// containers): two pods of one node share one loop device; a new volume manager (an agent
// restart) re-adopts the mount instead of attaching again; the device is detached with the
// last pod; a Retain-class volume keeps its image when the claim goes. The pods directory is on
// a shared mount while volumes are mounted (issue #6) and keeps no bind once they are gone. Needs root.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { controllerManager } from '../../src/cluster/index.js';
import { silentLogger } from '../../src/controller-runtime/index.js';
import { provisionerController } from '../../src/controllers/provisioner/index.js';
import { pvBinder } from '../../src/controllers/pv-binder/index.js';
import { pvcProtection } from '../../src/controllers/pvc-protection/index.js';
import { PersistentVolumeClaims, StorageClasses } from '../../src/core/index.js';
import { volumeManager } from '../../src/kubelet/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { isShared, loopDevicesOf, mountOf, mountsUnder, readMounts } from '../../src/volumes/index.js';
import { eventually } from '../e2e/helpers.js';
import { boundClaim, claim, getVolume, volumePhase } from '../e2e/storage-support.js';

const skip = process.getuid?.() === 0 ? undefined : 'loop devices and mounts need root';
const NODE = 'node-a';

describe('volume manager: local-block volumes on loop devices', { skip }, () => {
  let c: TestCluster;
  let root: string;
  let pods: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'berth-vm-block-'));
    pods = join(root, 'pods');
    const controllers = [pvBinder, pvcProtection, provisionerController({ root: join(root, 'volumes'), nodeName: NODE, immediateNode: NODE })];
    c = await startTestCluster({ components: [controllerManager({ controllers, logger: silentLogger, leaderElection: false })] });
    await c.client.create(StorageClasses, {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'block-retain' },
      provisioner: 'berth.dev/local-block', reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate', allowVolumeExpansion: true,
    });
  });
  after(async () => {
    await c?.stop();
    // Whatever a failed test left: unmount, detach, then remove.
    const left = mountsUnder(await readMounts(), root).map((m) => m.mountPoint);
    for (const m of left) execFileSync('umount', ['-l', m]);
    const loops = execFileSync('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE']).toString()
      .split('\n').map((l) => l.trim().split(/\s+/)).filter(([d, f]) => d && f?.startsWith(root));
    for (const [dev] of loops) execFileSync('losetup', ['-d', dev!]);
    rmSync(root, { recursive: true, force: true });
    assert.deepEqual([...left, ...loops.map((l) => l.join(' '))], [], 'nothing left mounted or attached');
  });

  const pod = (name: string): Pod => ({
    metadata: { name, namespace: 'default', uid: `uid-${name}-${process.pid}` },
    spec: { nodeName: NODE, containers: [{ name: 'app', image: 'x' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'shared' } }] },
  });

  it('shares one loop device, re-adopts after a restart, detaches with the last pod; Retain keeps the image', async () => {
    await c.client.create(PersistentVolumeClaims, claim('shared', { storageClassName: 'block-retain', request: '64Mi' }));
    const bound = await boundClaim(c, 'shared');
    const img = (await getVolume(c, bound.spec!.volumeName!)).spec!.local!.path!;
    const signal = new AbortController();
    try {
      const vm = volumeManager({ client: c.client, root: pods });
      const a = (await vm.setUp(pod('a'), signal.signal)).get('data')!;
      const b = (await vm.setUp(pod('b'), signal.signal)).get('data')!;
      assert.notEqual(a, b, 'each pod has its own mount point');
      const devs = await loopDevicesOf(img);
      assert.equal(devs.length, 1, 'one loop device over the image');
      const volumeMounts = async () => mountsUnder(await readMounts(), pods).filter((m) => m.mountPoint !== pods);
      assert.deepEqual((await volumeMounts()).map((m) => m.source), [devs[0], devs[0]]);
      const mounts = await readMounts();
      assert.ok(isShared(mountOf(mounts, pods)!), 'the pods directory is on a shared mount');
      assert.ok(mounts.filter((m) => m.mountPoint === pods).length <= 1, 'at most one bind of it');
      const { blocks, bsize } = statfsSync(a);
      assert.ok(blocks * bsize > 50 * 2 ** 20 && blocks * bsize <= 64 * 2 ** 20, `a 64Mi volume: ${blocks * bsize} bytes`);

      // A new volume manager, as after an agent restart: the same mount, no new device.
      const again = volumeManager({ client: c.client, root: pods });
      assert.equal((await again.setUp(pod('a'), signal.signal)).get('data'), a);
      assert.deepEqual(await loopDevicesOf(img), devs);
      assert.equal((await volumeMounts()).length, 2);
      assert.ok((await readMounts()).filter((m) => m.mountPoint === pods).length <= 1, 're-adopted, not stacked');

      await again.tearDown(pod('a').metadata!.uid!);
      assert.deepEqual(await loopDevicesOf(img), devs, 'still used by pod b');
      assert.ok(!existsSync(a), 'pod a\'s directory is gone');
      await again.tearDown(pod('b').metadata!.uid!);
      assert.deepEqual(mountsUnder(await readMounts(), pods), [], 'no volume and no bind of the pods directory');
      await eventually(async () => (await loopDevicesOf(img)).length === 0, 'detached');
      await again.tearDown(pod('b').metadata!.uid!); // idempotent
    } finally {
      signal.abort();
    }

    await c.client.delete(PersistentVolumeClaims, { namespace: 'default', name: 'shared' });
    await volumePhase(c, bound.spec!.volumeName!, 'Released');
    assert.ok(existsSync(img), 'Retain keeps the image');
  });
});
