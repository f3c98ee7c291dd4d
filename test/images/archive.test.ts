// `berth image load`: OCI image layouts and docker-save archives (legacy and OCI-in-docker),
// gzipped or not; naming rules; refusal of corrupt archives; then list, remove and gc of what
// was loaded (shared layers survive until nothing needs them; in-use images keep theirs).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isImageError, openImages, type Images } from '../../src/images/index.js';
import { dockerArchiveTar, makeImage, makeTar, ociLayoutTar, sha, tempDir } from './helpers.js';

describe('loadArchive, list, remove, gc', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let n = 0;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(async () => cleanup());

  const fresh = () => openImages({ root: join(dir, `store-${n++}`) });
  const file = async (bytes: Buffer) => {
    const f = join(dir, `archive-${n++}.tar`);
    await writeFile(f, bytes);
    return f;
  };

  it('loads an OCI image layout named by its ref.name annotation', async () => {
    const images = await fresh();
    const img = makeImage([await makeTar([{ name: 'index.html', content: 'hello' }])], { config: { Cmd: ['nginx', '-g', 'daemon off;'] } });
    const loaded = await images.loadArchive(await file(await ociLayoutTar(img, 'nginx:1.9.1')));
    assert.deepEqual(loaded, [{ names: ['docker.io/library/nginx:1.9.1'], id: img.configDigest, digest: img.manifestDigest }]);
    const got = await images.resolveImage('nginx:1.9.1');
    assert.deepEqual(got.config.Cmd, ['nginx', '-g', 'daemon off;']);
    assert.equal(await readFile(join(got.layerDirs[0]!, 'index.html'), 'utf8'), 'hello');
    assert.equal((await images.status('nginx:1.9.1'))?.ref, `docker.io/library/nginx@${img.manifestDigest}`);
  });

  it('names an image that carries only a bare tag with the tag option, or keeps it by ID', async () => {
    const images = await fresh();
    const img = makeImage([await makeTar([{ name: 'a', content: 'a' }])]);
    const f = await file(await ociLayoutTar(img, '1'));
    assert.deepEqual((await images.loadArchive(f))[0]!.names, []);
    assert.deepEqual((await images.list()).map((i) => i.ref), [img.manifestDigest]);
    assert.equal((await images.resolveImage(img.configDigest.slice(7, 19))).id, img.configDigest, 'short image ID');
    await images.loadArchive(f, { tag: 'demo:1' });
    assert.ok((await images.list()).some((i) => i.ref === 'docker.io/library/demo:1'));
  });

  it('loads a docker save archive (gzipped too) with uncompressed layers', async () => {
    const images = await fresh();
    const layers = [await makeTar([{ name: 'bin/sh', content: 'sh', mode: 0o755 }]), await makeTar([{ name: 'etc/app', content: 'x' }])];
    const img = makeImage(layers);
    const loaded = await images.loadArchive(await file(gzipSync(await dockerArchiveTar(img, layers, ['registry.local:5000/team/app:2', 'app:latest']))));
    assert.deepEqual(loaded[0]!.names, ['registry.local:5000/team/app:2', 'docker.io/library/app:latest']);
    assert.equal(loaded[0]!.id, img.configDigest);
    const got = await images.resolveImage('app');
    assert.deepEqual(got.diffIDs, layers.map((t) => sha(t)));
    assert.equal(await readFile(join(got.layerDirs[1]!, 'etc/app'), 'utf8'), 'x');
  });

  it('loads the OCI-in-docker format (index.json plus manifest.json RepoTags)', async () => {
    const images = await fresh();
    const img = makeImage([await makeTar([{ name: 'f', content: 'f' }])], { gzip: false });
    const manifestJson = [{ Config: `blobs/sha256/${img.configDigest.slice(7)}`, RepoTags: ['nginx:1.9.1'], Layers: img.layerDigests.map((d) => `blobs/sha256/${d.slice(7)}`) }];
    const loaded = await images.loadArchive(await file(await ociLayoutTar(img, '1.9.1', [['manifest.json', Buffer.from(JSON.stringify(manifestJson))]])));
    assert.deepEqual(loaded[0]!.names, ['docker.io/library/nginx:1.9.1']);
    assert.equal(loaded[0]!.digest, img.manifestDigest, 'the OCI manifest is kept as it is');
  });

  it('refuses corrupt or foreign archives and records nothing', async () => {
    const images = await fresh();
    const img = makeImage([await makeTar([{ name: 'a', content: 'a' }])]);
    img.blobs.set(img.layerDigests[0]!, Buffer.from('tampered'));
    await assert.rejects(images.loadArchive(await file(await ociLayoutTar(img, 'x:1'))), (e) => isImageError(e) && /does not match its digest/.test(e.message));
    await assert.rejects(images.loadArchive(await file(await makeTar([{ name: 'readme', content: 'hi' }]))), (e) => isImageError(e) && /neither an OCI image layout/.test(e.message));
    await assert.rejects(images.loadArchive(await file(Buffer.from('not a tar at all, not even close'.repeat(40)))), (e) => isImageError(e) && e.kind === 'InvalidImage');
    assert.deepEqual(await images.list(), []);
    assert.deepEqual(await readdir(join(images.store.root, 'tmp')), [], 'temp files are cleaned up');
  });

  it('keeps both names when two loads run at once, and takes over a lock left by a dead process', async () => {
    const images = await fresh();
    const a = makeImage([await makeTar([{ name: 'a', content: 'a' }])]);
    const b = makeImage([await makeTar([{ name: 'b', content: 'b' }])]);
    // A lock directory whose owner no longer exists (pid far above pid_max).
    await mkdir(join(images.store.root, 'lock'));
    await writeFile(join(images.store.root, 'lock', 'pid'), '99999999');
    await Promise.all([
      images.loadArchive(await file(await ociLayoutTar(a, 'a:1'))),
      images.loadArchive(await file(await ociLayoutTar(b, 'b:1'))),
    ]);
    assert.deepEqual((await images.list()).map((i) => i.ref), ['docker.io/library/a:1', 'docker.io/library/b:1']);
  });

  it('removes references and collects unreferenced blobs and layers, sparing in-use images', async () => {
    const images: Images = await fresh();
    const base = await makeTar([{ name: 'base', content: 'base' }]);
    const a = makeImage([base, await makeTar([{ name: 'a', content: 'a' }])]);
    const b = makeImage([base, await makeTar([{ name: 'b', content: 'b' }])]);
    await images.loadArchive(await file(await ociLayoutTar(a, 'a:1')));
    await images.loadArchive(await file(await ociLayoutTar(b, 'b:1')));
    assert.equal((await images.store.layers.list()).length, 3, 'the base layer is unpacked once');

    assert.deepEqual(await images.remove('a:1'), ['docker.io/library/a:1']);
    await assert.rejects(images.remove('a:1'), (e) => isImageError(e) && e.kind === 'NotPresent');
    let r = await images.gc({ gracePeriodMs: 0, inUse: [a.configDigest] });
    assert.equal(r.layers, 0, 'a is still running: its layers stay');
    assert.equal(r.blobs, 2, "a's manifest and layer blob go; its config stays with its unpacked layers");
    r = await images.gc({ gracePeriodMs: 0 });
    assert.deepEqual([r.layers, r.blobs], [1, 1]);
    assert.ok(r.bytes > 0);
    assert.deepEqual((await images.store.layers.list()).sort(), [...b.diffIDs].sort());
    assert.ok(await images.resolveImage('b:1'));

    assert.equal((await images.gc({ gracePeriodMs: 60_000 })).blobs, 0, 'nothing left to collect');
    await images.remove(b.configDigest);
    await images.gc({ gracePeriodMs: 0 });
    assert.deepEqual(await images.store.blobs.list(), []);
    assert.deepEqual(await readdir(images.store.layers.dir), []);
  });
});
