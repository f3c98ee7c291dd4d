// Image garbage collection over the real image store and the linux runtime: three images
// loaded from archives, one of them running in a container. Disk usage comes from a stand-in
// image filesystem (this machine's disk cannot be filled for a test); time from a hand-driven
// clock. Checked as upstream's image GC manager behaves: nothing happens under the high
// threshold; images younger than the minimum age and images in use are never removed; the
// least recently used, earliest detected unused image goes first and only as much as needed to
// reach the low threshold; its unpacked layers leave the disk; not finding enough to free is a
// FreeDiskSpaceFailed event on the Node, and failing twice in a row an ImageGCFailed event.
// Needs root; skipped otherwise.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/index.js';
import { silentLogger, type Clock } from '../../src/controller-runtime/index.js';
import { openImages, type Images } from '../../src/images/index.js';
import { DEFAULT_IMAGE_GC_POLICY, ImageGcManager, runImageGc, type ImageRuntime } from '../../src/kubelet/index.js';
import { linuxRuntime, type LinuxRuntime } from '../../src/kubelet/runtime/linux/index.js';
import { makeImage, makeTar, ociLayoutTar, tempDir } from '../images/helpers.js';
import { busyboxLayer, containerConfig, removeRuntime, sandboxConfig, skipReason } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

interface Recorded { obj: KubeObject; type: string; reason: string; message: string }

describe('image garbage collection on the linux runtime', { skip }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let images: Images;
  let rt: LinuxRuntime;
  const bridge = `btgc${process.pid % 10000}`;
  const parent = `berth-test-gc-${process.pid}`;
  let now = 1_000_000;
  const clock: Clock = { now: () => now, setTimer: (fn, ms) => { const t = setTimeout(fn, ms); return () => clearTimeout(t); } };
  const recorded: Recorded[] = [];
  const events = { event: (obj: KubeObject, type: string, reason: string, message: string) => { recorded.push({ obj, type, reason, message }); }, flush: async () => {} };
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n1' } };
  let fs = { capacityBytes: 0, availableBytes: 0 };
  let view: ImageRuntime;

  const load = async (name: string, layerTar: Buffer) => {
    const file = join(dir, `${name.replace(/\W/g, '_')}.tar`);
    await writeFile(file, await ociLayoutTar(makeImage([layerTar]), name));
    await images.loadArchive(file);
    return (await images.resolveImage(name)).id;
  };
  const ids = async () => new Set((await rt.listImages()).map((i) => i.id));

  before(async () => {
    ({ dir, cleanup } = await tempDir('berth-rt-gc-'));
    images = await openImages({ root: join(dir, 'images') });
    const layer = await busyboxLayer(dir);
    await load('example.com/busybox:1', execFileSync('tar', ['-C', layer, '--sort=name', '--owner=0', '--group=0', '-cf', '-', '.'], { maxBuffer: 64 << 20 }));
    rt = linuxRuntime({ root: join(dir, 'runtime'), images, bridge, cgroupParent: parent });
    await rt.updateRuntimeConfig({ podCIDR: `10.${200 + (process.pid % 50)}.219.0/24` });
    view = {
      listImages: () => rt.listImages(), removeImage: (id) => rt.removeImage(id), listContainers: (f) => rt.listContainers(f),
      imageFsInfo: async () => fs,
    };
  });
  after(async () => {
    if (rt) assert.deepEqual(await removeRuntime(rt, join(dir, 'runtime'), bridge, parent), [], 'nothing of the runtime is left behind');
    await cleanup?.();
    await rm(dir, { recursive: true, force: true });
  });

  it('removes the least recently used unused image old enough, only as much as needed, never one in use', async () => {
    const status = (await rt.imageStatus('example.com/busybox:1'))!;
    const sb = await rt.runPodSandbox(sandboxConfig('gc'));
    const cid = await rt.createContainer(sb, containerConfig('app', ['sleep', '3600'], { image: 'example.com/busybox:1', imageRef: status.ref }));
    await rt.startContainer(cid);
    const busy = (await images.resolveImage('example.com/busybox:1')).id;

    const gc = new ImageGcManager(view, DEFAULT_IMAGE_GC_POLICY, events, node, clock, silentLogger);
    const older = await load('example.com/older:1', await makeTar([{ name: 'older.txt', content: 'o'.repeat(4000) }]));
    fs = { capacityBytes: 1_000_000, availableBytes: 500_000 };
    await gc.garbageCollect(); // under the threshold: detects images only
    now += 30_000;
    const newer = await load('example.com/newer:1', await makeTar([{ name: 'newer.txt', content: 'n'.repeat(4000) }]));
    await gc.garbageCollect();
    assert.deepEqual(await ids(), new Set([busy, older, newer]), 'nothing removed under 85%');

    // 90% used, but every image is younger than imageMinimumGCAge (2m): nothing can go.
    const olderSize = (await rt.listImages()).find((i) => i.id === older)!.sizeBytes;
    // Needing just the older image's size: capacity*20% - available = olderSize.
    const capacity = olderSize * 10;
    fs = { capacityBytes: capacity, availableBytes: capacity * 0.2 - olderSize };
    await assert.rejects(gc.garbageCollect(), /Failed to garbage collect required amount of images/);
    const failed = recorded.find((e) => e.reason === 'FreeDiskSpaceFailed')!;
    assert.equal(failed.type, 'Warning');
    assert.equal(failed.obj, node);
    assert.equal(failed.message, `Failed to garbage collect required amount of images. Attempted to free ${olderSize} bytes, but only found 0 bytes eligible to free.`);
    assert.deepEqual(await ids(), new Set([busy, older, newer]));

    // Three minutes on, both unused images are old enough; the one detected first goes, and that is enough.
    now += 180_000;
    const layerDir = (await images.resolveImage('example.com/older:1')).layerDirs[0]!;
    // Files written a while ago (gc leaves brand-new files to pulls still running).
    for (const sub of ['blobs/sha256', 'layers']) {
      for (const f of await readdir(join(dir, 'images', sub))) await utimes(join(dir, 'images', sub, f), new Date(Date.now() - 600_000), new Date(Date.now() - 600_000));
    }
    await gc.garbageCollect();
    assert.deepEqual(await ids(), new Set([busy, newer]), 'only the older unused image went; the busy one stays');
    assert.equal(existsSync(layerDir), false, 'its unpacked layer left the disk');
    assert.ok((await rt.listContainers()).some((c) => c.id === cid && c.state === 'running'));

    // Even with everything to free, an image any container uses (running or exited) stays.
    await rt.stopContainer(cid, 0);
    fs = { capacityBytes: capacity, availableBytes: 0 };
    await assert.rejects(gc.garbageCollect(), /only found \d+ bytes eligible/);
    assert.deepEqual(await ids(), new Set([busy]), 'the exited container still holds its image');
    await rt.removePodSandbox(sb);
  });

  it('reports ImageGCFailed only when collection fails twice in a row', async () => {
    recorded.length = 0;
    fs = { capacityBytes: 0, availableBytes: 0 };
    const gc = new ImageGcManager(view, DEFAULT_IMAGE_GC_POLICY, events, node, clock, silentLogger);
    const ac = new AbortController();
    let rounds = 0;
    const counting = { garbageCollect: async () => { rounds++; if (rounds === 3) ac.abort(); return gc.garbageCollect(); } } as unknown as ImageGcManager;
    await runImageGc(counting, { periodMs: 1, events, node, clock, logger: silentLogger }, ac.signal);
    const reasons = recorded.map((e) => e.reason);
    assert.deepEqual(reasons.filter((r) => r === 'InvalidDiskCapacity').length >= 2, true);
    assert.equal(reasons.indexOf('ImageGCFailed') > reasons.indexOf('InvalidDiskCapacity'), true);
    assert.equal(recorded.find((e) => e.reason === 'ImageGCFailed')?.message, 'invalid capacity 0 on image filesystem');
    // The first failure alone made no ImageGCFailed.
    assert.equal(reasons.slice(0, 2).includes('ImageGCFailed'), false);
  });
});
