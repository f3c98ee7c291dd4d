// The pods directory on a shared mount, on real mounts (root only): a self bind made rshared
// when its mount is private, re-adopted rather than stacked, none where the mount is shared
// already or where mounts below it would be hidden; a slave mount namespace loses a volume when
// the host unmounts it (a private one keeps it: the bug this prevents); the bind goes once
// nothing is mounted below it; the reset sweep unmounts everything and detaches loop devices.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mountImage } from './local-block/node.js';
import { loopDevicesOf } from './local-block/loop.js';
import { isShared, mountAt, mountsUnder, readMounts } from './mounts.js';
import { SharedRoot, unmountAllUnder } from './node-mounts.js';

const skip = process.getuid?.() === 0 ? undefined : 'mounts need root';

describe('the pods directory on a shared mount', { skip }, () => {
  let top: string;
  let n = 0;
  const procs: ChildProcess[] = [];
  /** A fresh tmpfs with the given propagation, standing for the filesystem a data directory lives on. */
  const base = (propagation: 'private' | 'shared') => {
    const dir = join(top, `fs${n++}`);
    mkdirSync(dir);
    execFileSync('mount', ['-t', 'tmpfs', 'berth-test', dir]);
    execFileSync('mount', [`--make-${propagation}`, dir]);
    return dir;
  };
  const tmpfs = (dir: string) => { mkdirSync(dir, { recursive: true }); execFileSync('mount', ['-t', 'tmpfs', 'vol', dir]); };
  /** A process in a new mount namespace made as the runtime makes conmon's. */
  const namespace = async (propagation: 'slave' | 'private') => {
    const p = spawn('unshare', ['--mount', '--propagation', propagation, 'sleep', '600'], { stdio: 'ignore' });
    procs.push(p);
    // unshare execs sleep once the namespace is made.
    for (let i = 0; i < 500 && !readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').startsWith('sleep'); i++) await new Promise((r) => setTimeout(r, 10));
    assert.notEqual(readlinkSync(`/proc/${p.pid}/ns/mnt`), readlinkSync('/proc/self/ns/mnt'));
    return (path: string) => readFileSync(`/proc/${p.pid}/mountinfo`, 'utf8').split('\n').some((l) => l.split(' ')[4] === path);
  };

  before(() => { top = mkdtempSync(join(tmpdir(), 'berth-shared-root-')); });
  after(async () => {
    for (const p of procs) p.kill('SIGKILL');
    // The sweep under test cleans up too (each tmpfs standing for a filesystem is below top).
    const left = await unmountAllUnder(top);
    if (!left.length) rmSync(top, { recursive: true, force: true });
    assert.deepEqual(left, [], 'everything unmounted');
  });

  it('binds a private directory onto itself rshared, re-adopts that bind, and a slave namespace loses a volume the host unmounts', async () => {
    const fs = base('private');
    const pods = join(fs, 'pods');
    const root = new SharedRoot(pods);
    const vol = join(pods, 'uid-a', 'volumes', 'empty-dir', 'm');
    await root.withShared(async () => tmpfs(vol));
    let mounts = await readMounts();
    const bind = mountAt(mounts, pods);
    assert.ok(bind && isShared(bind), 'the pods directory is a shared mount point');

    // An agent restart: a new SharedRoot finds the bind and keeps it; there is still one.
    await new SharedRoot(pods).withShared(async () => undefined);
    mounts = await readMounts();
    assert.equal(mounts.filter((m) => m.mountPoint === pods).length, 1, 'not stacked');

    const slave = await namespace('slave');
    const priv = await namespace('private');
    assert.ok(slave(vol) && priv(vol), 'both namespaces got a copy of the volume');
    execFileSync('umount', [vol]);
    assert.equal(slave(vol), false, 'the host\'s unmount reached the slave namespace');
    assert.equal(priv(vol), true, 'a private namespace keeps its copy');

    await root.releaseIfUnused();
    assert.equal(mountAt(await readMounts(), pods), undefined, 'the bind is gone once nothing is mounted below it');
    await root.releaseIfUnused(); // idempotent
  });

  it('keeps the bind while a volume is mounted below it, and makes none where the filesystem is shared already', async () => {
    const fs = base('private');
    const pods = join(fs, 'pods');
    const root = new SharedRoot(pods);
    await root.withShared(async () => tmpfs(join(pods, 'u', 'v')));
    await root.releaseIfUnused();
    assert.ok(mountAt(await readMounts(), pods), 'kept while the volume is mounted');
    execFileSync('umount', [join(pods, 'u', 'v')]);
    await root.releaseIfUnused();
    assert.equal(mountAt(await readMounts(), pods), undefined);

    const shared = join(base('shared'), 'pods');
    await new SharedRoot(shared).withShared(async () => tmpfs(join(shared, 'u', 'v')));
    assert.equal(mountAt(await readMounts(), shared), undefined, 'no bind on a shared filesystem');
    execFileSync('umount', [join(shared, 'u', 'v')]);
  });

  it('does not hide mounts made before (it waits until they are gone) and finishes a bind cut short', async () => {
    const pods = join(base('private'), 'pods');
    tmpfs(join(pods, 'old', 'v'));
    const root = new SharedRoot(pods);
    await root.withShared(async () => tmpfs(join(pods, 'new', 'v')));
    assert.equal(mountAt(await readMounts(), pods), undefined, 'no bind over existing mounts');
    execFileSync('umount', [join(pods, 'old', 'v')]);
    execFileSync('umount', [join(pods, 'new', 'v')]);

    // A bind without --make-rshared (an agent stopped between the two): made shared, not stacked.
    execFileSync('mount', ['--bind', pods, pods]);
    assert.equal(isShared(mountAt(await readMounts(), pods)!), false);
    await new SharedRoot(pods).withShared(async () => undefined);
    const mounts = (await readMounts()).filter((m) => m.mountPoint === pods);
    assert.equal(mounts.length, 1);
    assert.ok(isShared(mounts[0]!));
    await root.releaseIfUnused();
    assert.equal(mountAt(await readMounts(), pods), undefined);
  });

  it('the reset sweep unmounts everything below a data directory and detaches its loop devices', async () => {
    const data = base('private');
    const pods = join(data, 'pods');
    const img = join(data, 'volumes', 'block', 'pv.img');
    mkdirSync(join(data, 'volumes', 'block'), { recursive: true });
    execFileSync('truncate', ['-s', '16M', img]);
    execFileSync('mkfs.ext4', ['-q', '-F', img]);
    const spare = join(data, 'volumes', 'block', 'spare.img');
    execFileSync('truncate', ['-s', '1M', spare]);
    execFileSync('losetup', ['--find', spare]);
    await new SharedRoot(pods).withShared(async () => {
      await mountImage({ img, fsType: 'ext4' }, join(pods, 'u1', 'volumes', 'local-block', 'data'));
      tmpfs(join(pods, 'u1', 'volumes', 'empty-dir', 'm'));
      tmpfs(join(pods, 'u1', 'volumes', 'empty-dir', 'm', 'nested'));
    });
    assert.equal(mountsUnder(await readMounts(), pods).length, 4);
    assert.deepEqual(await unmountAllUnder(data), []);
    assert.deepEqual(mountsUnder(await readMounts(), data).map((m) => m.mountPoint), [data], 'only the data directory\'s own mount stays');
    assert.deepEqual([...await loopDevicesOf(img), ...await loopDevicesOf(spare)], []);
  });
});
