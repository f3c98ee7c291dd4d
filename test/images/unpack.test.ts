// Layer unpacking: files, modes, ownership, links, whiteouts and opaque directories as
// overlayfs reads them (checked through a real read-only overlay mount when root), and the
// entries that must be refused (`..`, writes through a symlink, dangling hardlinks, bad diff IDs).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isImageError, unpackLayer } from '../../src/images/index.js';
import { isRoot, makeTar, sha, tempDir, type EntrySpec } from './helpers.js';

const hasSetfattr = spawnSync('sh', ['-c', 'command -v setfattr && command -v getfattr']).status === 0;

describe('unpackLayer', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let n = 0;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(async () => cleanup());

  async function unpack(entries: EntrySpec[], opts: { gzip?: boolean; diffID?: string } = {}) {
    const t = await makeTar(entries);
    const blob = join(dir, `blob-${n}`);
    await writeFile(blob, opts.gzip ? gzipSync(t) : t);
    const dest = join(dir, `layer-${n++}`);
    const result = await unpackLayer(blob, dest, { expectedDiffID: opts.diffID ?? sha(t) });
    return { dest, result, tar: t };
  }

  it('writes files and directories with their modes, owners and mtimes (gzip detected from the bytes)', async () => {
    const { dest, result, tar } = await unpack([
      { name: 'etc/', type: 'directory', mode: 0o755 },
      { name: 'etc/motd', content: 'hello\n', mode: 0o640, uid: 33, gid: 34 },
      { name: 'usr/bin/tool', content: '#!/bin/sh\n', mode: 0o4755 },
      { name: 'secret/', type: 'directory', mode: 0o500 },
      { name: 'secret/key', content: 'k', mode: 0o400 },
    ], { gzip: true });
    assert.equal(result.diffID, sha(tar));
    assert.equal(await readFile(join(dest, 'etc/motd'), 'utf8'), 'hello\n');
    const motd = await stat(join(dest, 'etc/motd'));
    assert.equal(motd.mode & 0o7777, 0o640);
    assert.equal(motd.mtimeMs, 1_000_000_000_000);
    if (isRoot) assert.deepEqual([motd.uid, motd.gid], [33, 34]);
    assert.equal((await stat(join(dest, 'usr/bin/tool'))).mode & 0o7777, 0o4755, 'setuid kept');
    assert.equal((await stat(join(dest, 'usr'))).mode & 0o777, 0o755, 'implicit parents are 0755');
    const secret = await stat(join(dest, 'secret'));
    assert.equal(secret.mode & 0o777, 0o500, 'a read-only directory still got its file, then its mode');
    assert.equal(secret.mtimeMs, 1_000_000_000_000);
  });

  it('keeps symlinks and hardlinks', async () => {
    const { dest } = await unpack([
      { name: 'bin/busybox', content: 'ELF', mode: 0o755 },
      { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
      { name: 'bin/ls', type: 'link', linkname: 'bin/busybox' },
      { name: 'etc/abs', type: 'symlink', linkname: '/etc/passwd' },
    ]);
    assert.equal(await readlink(join(dest, 'bin/sh')), 'busybox');
    assert.equal(await readlink(join(dest, 'etc/abs')), '/etc/passwd', 'absolute symlink targets are kept verbatim');
    const [a, b] = [await stat(join(dest, 'bin/busybox')), await stat(join(dest, 'bin/ls'))];
    assert.equal(a.ino, b.ino);
    assert.equal(a.nlink, 2);
  });

  it('drops a leading slash and replaces an entry that appears twice', async () => {
    const { dest } = await unpack([
      { name: '/etc/hostname', content: 'one' },
      { name: './etc/hostname', content: 'two' },
    ]);
    assert.equal(await readFile(join(dest, 'etc/hostname'), 'utf8'), 'two');
  });

  it('refuses ".." entries, writes through a symlink of the layer, and dangling hardlinks', async () => {
    for (const entries of [
      [{ name: '../escape', content: 'x' }],
      [{ name: 'a/../../escape', content: 'x' }],
      [{ name: 'evil', type: 'symlink', linkname: '/tmp' } as EntrySpec, { name: 'evil/owned', content: 'x' }],
      [{ name: 'h', type: 'link', linkname: 'not/there' } as EntrySpec],
      [{ name: 'h', type: 'link', linkname: '../../etc/passwd' } as EntrySpec],
    ]) {
      await assert.rejects(unpack(entries), (e) => isImageError(e) && e.kind === 'InvalidImage', JSON.stringify(entries));
    }
  });

  it('refuses a layer whose diff ID is not the one announced', async () => {
    await assert.rejects(unpack([{ name: 'f', content: 'x' }], { diffID: sha('something else') }),
      (e) => isImageError(e) && /diff ID/.test(e.message));
  });

  it('turns whiteouts into overlayfs whiteouts that hide lower files', { skip: !isRoot ? 'needs root (mknod, mount)' : !hasSetfattr ? 'needs setfattr/getfattr (Debian package attr)' : false }, async () => {
    const lower = await unpack([
      { name: 'etc/motd', content: 'motd' },
      { name: 'etc/keep', content: 'keep' },
      { name: 'var/cache/a', content: 'a' },
      { name: 'var/cache/b', content: 'b' },
    ]);
    const upper = await unpack([
      { name: 'etc/.wh.motd', content: '' },
      { name: 'var/cache/.wh..wh..opq', content: '' },
      { name: 'var/cache/c', content: 'c' },
      { name: 'tmp/.wh..wh.plnk', type: 'directory' },
    ]);
    assert.equal(upper.result.whiteouts, 1);
    assert.equal(upper.result.opaqueDirs, 1);
    const wh = await lstat(join(upper.dest, 'etc/motd'));
    assert.ok(wh.isCharacterDevice() && wh.rdev === 0, 'whiteout is a 0/0 character device');
    const xattr = execFileSync('getfattr', ['--absolute-names', '--only-values', '-n', 'trusted.overlay.opaque', join(upper.dest, 'var/cache')], { encoding: 'utf8' });
    assert.equal(xattr, 'y');
    assert.deepEqual(await readdir(join(upper.dest, 'tmp')), [], 'aufs bookkeeping is skipped');

    const merged = join(dir, 'merged');
    await mkdir(merged);
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${upper.dest}:${lower.dest}`, merged]);
    try {
      assert.deepEqual((await readdir(join(merged, 'etc'))).sort(), ['keep']);
      assert.deepEqual(await readdir(join(merged, 'var/cache')), ['c']);
    } finally {
      execFileSync('umount', [merged]);
    }
  });

  it('keeps a same-layer file over its own whiteout, as the image spec says', { skip: !isRoot && 'needs root' }, async () => {
    const { dest, result } = await unpack([{ name: 'x', content: 'kept' }, { name: '.wh.x', content: '' }]);
    assert.equal(result.whiteouts, 0);
    assert.equal(await readFile(join(dest, 'x'), 'utf8'), 'kept');
  });

  it('makes fifos (root only)', { skip: !isRoot && 'needs root' }, async () => {
    const { dest } = await unpack([{ name: 'run/pipe', type: 'fifo', mode: 0o600 }]);
    const st = await lstat(join(dest, 'run/pipe'));
    assert.ok(st.isFIFO());
    assert.equal(st.mode & 0o777, 0o600);
  });
});
