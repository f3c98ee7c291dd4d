// The node's volume manager with local-block volumes, on real loop devices and mounts (no
// containers): two pods of one node share one loop device; a new volume manager (an agent
// restart) re-adopts the mount instead of attaching again; the device is detached with the
// last pod; a Retain-class volume keeps its image when the claim goes. Needs root.
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
import { loopDevicesOf, mountsUnder, readMounts } from '../../src/volumes/index.js';
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
      const mounts = mountsUnder(await readMounts(), pods);
      assert.deepEqual(mounts.map((m) => m.source), [devs[0], devs[0]]);
      const { blocks, bsize } = statfsSync(a);
      assert.ok(blocks * bsize > 50 * 2 ** 20 && blocks * bsize <= 64 * 2 ** 20, `a 64Mi volume: ${blocks * bsize} bytes`);

      // A new volume manager, as after an agent restart: the same mount, no new device.
      const again = volumeManager({ client: c.client, root: pods });
      assert.equal((await again.setUp(pod('a'), signal.signal)).get('data'), a);
      assert.deepEqual(await loopDevicesOf(img), devs);
      assert.equal(mountsUnder(await readMounts(), pods).length, 2);

      await again.tearDown(pod('a').metadata!.uid!);
      assert.deepEqual(await loopDevicesOf(img), devs, 'still used by pod b');
      assert.ok(!existsSync(a), 'pod a\'s directory is gone');
      await again.tearDown(pod('b').metadata!.uid!);
      assert.deepEqual(mountsUnder(await readMounts(), pods), []);
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
