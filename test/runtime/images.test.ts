// The linux runtime over the real image store (src/images): an image loaded from an OCI
// archive (a busybox layer made with tar, plus a layer with a whiteout) runs with its
// ENTRYPOINT/CMD, Env, WorkingDir and User; the overlay shows the upper layer over the lower
// one. Needs root; skipped otherwise.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openImages } from '../../src/images/index.js';
import { containerLog, linuxRuntime, type LinuxRuntime } from '../../src/kubelet/runtime/linux/index.js';
import { makeImage, makeTar, ociLayoutTar } from '../images/helpers.js';
import { busyboxLayer, containerConfig, leaksUnder, sandboxConfig, skipReason, until } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

describe('linux runtime over the image store', { skip }, () => {
  let dir: string;
  let rt: LinuxRuntime;
  const bridge = `btimg${process.pid % 10000}`;
  const parent = `berth-test-img-${process.pid}`;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-rt-img-'));
    const layer = await busyboxLayer(dir);
    const base = execFileSync('tar', ['-C', layer, '--sort=name', '--owner=0', '--group=0', '-cf', '-', '.'], { maxBuffer: 64 << 20 });
    const top = await makeTar([
      { name: 'work/', type: 'directory' }, { name: 'work/.wh.hello.txt' }, { name: 'work/new.txt', content: 'from layer 2\n' },
    ]);
    const img = makeImage([base, top], {
      config: { Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo default cmd'], Env: ['PATH=/bin', 'IMG=1'], WorkingDir: '/work', User: 'app' },
    });
    const archive = join(dir, 'image.tar');
    await writeFile(archive, await ociLayoutTar(img, 'example.com/busybox:1'));
    const images = await openImages({ root: join(dir, 'images') });
    await images.loadArchive(archive);
    rt = linuxRuntime({ root: join(dir, 'runtime'), images, bridge, cgroupParent: parent });
    await rt.updateRuntimeConfig({ podCIDR: `10.${200 + (process.pid % 50)}.217.0/24` });
  });
  after(async () => {
    for (const s of await rt.listPodSandboxes()) await rt.removePodSandbox(s.id);
    rt.close();
    const leaks = await leaksUnder(join(dir, 'runtime'), bridge, parent);
    try { execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' }); } catch { /* gone */ }
    await rm(dir, { recursive: true, force: true });
    assert.deepEqual(leaks, []);
  });

  const run = async (sb: string, name: string, command: string[], args: string[]) => {
    const status = await rt.imageStatus('example.com/busybox:1'); // loaded, never pulled: no traffic leaves this machine
    assert.ok(status, 'the image is present');
    const id = await rt.createContainer(sb, containerConfig(name, command, { image: 'example.com/busybox:1', imageRef: status.ref, args }));
    await rt.startContainer(id);
    const c = await until('exit', async () => (await rt.listContainers()).find((x) => x.id === id && x.state === 'exited'));
    return { c, log: await containerLog(rt, id) };
  };

  it('runs the image ENTRYPOINT with its CMD, env, workingDir and user; layers stack with whiteouts', async () => {
    const sb = await rt.runPodSandbox(sandboxConfig('img'));
    const dflt = await run(sb, 'default', [], []);
    assert.equal(dflt.log, 'default cmd\n');
    assert.equal(dflt.c.image, 'example.com/busybox:1');
    const args = await run(sb, 'args', [], ['echo "$IMG $(pwd) $(id -un)"; ls']);
    assert.equal(args.log, '1 /work app\nnew.txt\n', 'hello.txt of layer 1 is hidden by layer 2');
  });
});
