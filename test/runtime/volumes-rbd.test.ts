// The node's volume manager with rbd volumes, on real loop devices and mounts behind the FAKE
// rbd CLI of test/e2e/rbd-support.ts (no containers, no Ceph: the fake talks to nothing): an
// image is mapped once for every pod that uses it; a new volume manager (an agent restart)
// re-adopts the mount, and a mapping it finds (`rbd showmapped`) is used rather than mapped
// twice; the device is unmapped with the last pod, and a teardown whose unmap failed finishes on
// the next try; a blank image is never formatted for a read-only mount, and a failed mount
// leaves nothing mapped. Needs root.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Pod, RBDVolumeSource } from 'kubernetes-types/core/v1.js';
import { volumeManager } from '../../src/kubelet/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { mountsUnder, readMounts, unmountAllUnder } from '../../src/volumes/index.js';
import { fakeRbd, fsUuid, loopsUnder, type FakeRbd } from '../e2e/rbd-support.js';

const skip = process.getuid?.() === 0 ? undefined : 'loop devices and mounts need root';
const MONITORS = ['127.0.0.1:6789'];

describe('volume manager: rbd volumes through the rbd CLI', { skip }, () => {
  let c: TestCluster;
  let root: string;
  let pods: string;
  let rbd: FakeRbd;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'berth-vm-rbd-'));
    pods = join(root, 'pods');
    rbd = fakeRbd(root);
    c = await startTestCluster();
  });
  after(async () => {
    await c?.stop();
    // Whatever a failed test left: unmount, detach, then remove.
    const left = mountsUnder(await readMounts(), root).map((m) => m.mountPoint);
    for (const m of left) execFileSync('umount', ['-l', m]);
    const loops = loopsUnder(root);
    for (const dev of loops) execFileSync('losetup', ['-d', dev]);
    rmSync(root, { recursive: true, force: true });
    assert.deepEqual([...left, ...loops], [], 'nothing left mounted or mapped');
  });

  const manager = () => volumeManager({ client: c.client, root: pods, enableRbd: true, rbdCommand: rbd.program });
  const pod = (name: string, image: string, extra: Partial<RBDVolumeSource> = {}): Pod => ({
    metadata: { name, namespace: 'default', uid: `uid-${name}-${process.pid}` },
    spec: {
      containers: [{ name: 'app', image: 'x' }],
      volumes: [{ name: 'data', rbd: { monitors: MONITORS, pool: 'kube', image, user: 'admin', keyring: '/etc/ceph/keyring', ...extra } }],
    },
  });
  const maps = (image: string) => rbd.calls().filter((l) => l.startsWith(`map kube/${image} `)).length;
  const sourceOf = async (dir: string) => (await readMounts()).find((m) => m.mountPoint === dir)?.source;

  it('maps once for every pod, re-adopts after a restart, unmaps with the last pod, and finishes a failed unmap on the next teardown', async () => {
    const signal = new AbortController().signal;
    const a = (await manager().setUp(pod('a', 'foo'), signal)).get('data')!;
    const dev = await sourceOf(a);
    assert.match(dev ?? '', /^\/dev\/loop\d+$/);
    assert.deepEqual(rbd.mapped(), [`${dev} kube foo`]);

    // A new volume manager, as after an agent restart: the same mount, nothing mapped again.
    const vm = manager();
    assert.equal((await vm.setUp(pod('a', 'foo'), signal)).get('data'), a);
    const b = (await vm.setUp(pod('b', 'foo'), signal)).get('data')!;
    assert.equal(await sourceOf(b), dev, 'the second pod mounts the same device');
    assert.equal(maps('foo'), 1, 'mapped once');

    await vm.tearDown(`uid-a-${process.pid}`);
    assert.equal(await sourceOf(a), undefined);
    assert.deepEqual(rbd.mapped(), [`${dev} kube foo`], 'still mapped: pod b mounts it');

    rbd.failNextUnmap();
    await assert.rejects(vm.tearDown(`uid-b-${process.pid}`), /rbd: failed to unmap device \/dev\/loop\d+, error exit status 16, rbd output: .*Device or resource busy/);
    assert.equal(await sourceOf(b), undefined, 'unmounted before the unmap failed');
    assert.equal(rbd.mapped().length, 1);
    await vm.tearDown(`uid-b-${process.pid}`);
    assert.deepEqual(rbd.mapped(), [], 'unmapped on the next teardown');
    assert.ok(!existsSync(join(pods, `uid-b-${process.pid}`)), 'the pod directory is gone');
    assert.deepEqual(loopsUnder(root), []);
    assert.deepEqual(mountsUnder(await readMounts(), pods).map((m) => m.mountPoint), [], 'no mount left, the shared bind included');
  });

  it('uses a mapping it finds instead of mapping the image twice', async () => {
    // Mapped, but mounted nowhere: an agent stopped between map and mount.
    const dev = execFileSync(rbd.program, ['map', 'kube/bar', '--id', 'admin', '-m', MONITORS[0]!, '-k', '/etc/ceph/keyring']).toString().trim();
    const vm = manager();
    const dir = (await vm.setUp(pod('c', 'bar'), new AbortController().signal)).get('data')!;
    assert.equal(await sourceOf(dir), dev);
    assert.equal(maps('bar'), 1, 'not mapped again');
    const uuid = fsUuid(rbd.imageFile('kube', 'bar'));
    assert.ok(uuid, 'the blank image was formatted');
    await vm.tearDown(`uid-c-${process.pid}`);
    assert.deepEqual(rbd.mapped(), []);
  });

  it('never formats a blank image for a read-only mount, and a failed mount leaves nothing mapped', async () => {
    const vm = manager();
    await assert.rejects(vm.setUp(pod('d', 'blank', { readOnly: true }), new AbortController().signal),
      { message: /^MountVolume\.SetUp failed for volume "data" : cannot mount unformatted disk \/dev\/loop\d+ as we are manipulating it in read-only mode$/ });
    assert.deepEqual(rbd.mapped(), [], 'unmapped after the failed mount');
    assert.throws(() => fsUuid(rbd.imageFile('kube', 'blank')), 'still blank');
    await vm.tearDown(`uid-d-${process.pid}`);
    assert.deepEqual(mountsUnder(await readMounts(), pods).map((m) => m.mountPoint), []);
  });

  it('the reset sweep unmaps rbd volumes through the CLI, not only unmounts them', async () => {
    const vm = manager();
    const dir = (await vm.setUp(pod('e', 'swept'), new AbortController().signal)).get('data')!;
    assert.ok(dir.startsWith(pods));
    assert.equal(rbd.mapped().length, 1);
    // berth reset with the node stopped: the volume manager is gone, its mount and mapping are not.
    assert.deepEqual(await unmountAllUnder(root, { rbdCommand: rbd.program }), []);
    assert.deepEqual(rbd.mapped(), [], 'unmapped');
    assert.deepEqual(mountsUnder(await readMounts(), root).map((m) => m.mountPoint), []);
    assert.ok(rbd.calls().some((call) => call.startsWith('unmap ')), 'through rbd unmap');
  });
});
