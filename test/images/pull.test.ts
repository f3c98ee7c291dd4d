// Pulls from a real registry on loopback: Debian's docker-registry (CNCF distribution), fed
// with images pushed by plain HTTP requests. Covers OCI and Docker v2 manifests, manifest
// lists with platform selection, pull by digest, shared layers, progress, mirrors from a
// registries.yaml, and the errors the kubelet reports (not found, unreachable).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isImageError, openImages, type Images, type PullProgress } from '../../src/images/index.js';
import { isRoot, makeImage, makeIndex, makeTar, pushBlobs, pushImage, pushManifest, sha, tempDir } from './helpers.js';
import { hasDockerRegistry, startDockerRegistry, type RunningRegistry } from './servers.js';

describe('pull from docker-registry on loopback', { skip: !hasDockerRegistry && 'needs docker-registry (Debian package docker-registry)' }, () => {
  let reg: RunningRegistry;
  let dir: string;
  let cleanup: () => Promise<void>;
  let images: Images;
  let base1: Buffer;
  let app: Buffer;

  before(async () => {
    reg = await startDockerRegistry();
    ({ dir, cleanup } = await tempDir());
    await writeFile(join(dir, 'registries.yaml'), `mirrors:\n  docker.io:\n    endpoint: ["http://${reg.host}"]\n`);
    images = await openImages({ root: join(dir, 'images'), registriesFile: join(dir, 'registries.yaml'), defaultEndpoint: false });
    base1 = await makeTar([{ name: 'bin/', type: 'directory' }, { name: 'bin/sh', content: 'shell', mode: 0o755 }, { name: 'etc/motd', content: 'hi' }]);
    app = await makeTar([{ name: 'app/server', content: 'server', mode: 0o755 }, ...(isRoot ? [{ name: 'etc/.wh.motd' }] : [])]);
  });
  after(async () => {
    await reg?.stop();
    await cleanup?.();
  });

  it('pulls an OCI image, verifies it, unpacks its layers and reports progress', async () => {
    const img = makeImage([base1, app], { config: { Cmd: ['/app/server'], Env: ['A=1'], WorkingDir: '/app', User: '33' } });
    await pushImage(reg.base, 'demo', '1', img);
    const progress: PullProgress[] = [];
    const got = await images.pull(`${reg.host}/demo:1`, { onProgress: (p) => progress.push(p) });
    assert.equal(got.ref, `${reg.host}/demo:1`);
    assert.equal(got.id, img.configDigest);
    assert.equal(got.digest, img.manifestDigest);
    assert.equal(got.repoDigest, `${reg.host}/demo@${img.manifestDigest}`);
    assert.deepEqual(got.config.Cmd, ['/app/server']);
    assert.equal(got.config.WorkingDir, '/app');
    assert.equal(got.config.User, '33');
    assert.deepEqual(got.config.ExposedPorts, { '80/tcp': {} });
    assert.equal(got.layerDirs.length, 2);
    assert.equal(await readFile(join(got.layerDirs[0]!, 'bin/sh'), 'utf8'), 'shell');
    assert.equal(await readFile(join(got.layerDirs[1]!, 'app/server'), 'utf8'), 'server');
    if (isRoot) assert.ok((await stat(join(got.layerDirs[1]!, 'etc/motd'))).isCharacterDevice());
    for (const d of img.layerDigests) {
      const last = progress.filter((p) => p.digest === d).at(-1)!;
      assert.equal(last.phase, 'done');
      assert.equal(last.done, last.total);
      assert.ok(progress.some((p) => p.digest === d && p.phase === 'downloading'));
    }
    const list = await images.list();
    assert.deepEqual(list.map((i) => i.ref), [`${reg.host}/demo:1`]);
    assert.equal(list[0]!.size, [...img.blobs].filter(([d]) => d !== img.manifestDigest).reduce((n, [, b]) => n + b.length, 0));
  });

  it('does not download layers it already has; pulls by digest', async () => {
    const img = makeImage([base1], { docker: true });
    await pushImage(reg.base, 'other/base', 'v2', img);
    const progress: PullProgress[] = [];
    const got = await images.pull(`${reg.host}/other/base@${img.manifestDigest}`, { onProgress: (p) => progress.push(p) });
    assert.equal(got.digest, img.manifestDigest);
    assert.equal(got.ref, `${reg.host}/other/base@${img.manifestDigest}`);
    assert.deepEqual(progress.filter((p) => p.kind === 'layer').map((p) => p.phase), ['waiting', 'exists'], 'base layer shared with demo:1');
    assert.ok(await images.status(`${reg.host}/other/base@${img.manifestDigest}`));
  });

  it('picks the platform from a manifest list (host platform by default, or as asked)', async () => {
    const amd = makeImage([await makeTar([{ name: 'arch', content: 'amd64' }])], { arch: 'amd64' });
    const arm = makeImage([await makeTar([{ name: 'arch', content: 'arm64' }])], { arch: 'arm64' });
    await pushBlobs(reg.base, 'multi', new Map([...amd.blobs, ...arm.blobs]));
    for (const i of [amd, arm]) await pushManifest(reg.base, 'multi', i.manifestDigest, i.manifest, i.mediaType);
    const list = makeIndex([{ image: arm, os: 'linux', architecture: 'arm64', variant: 'v8' }, { image: amd, os: 'linux', architecture: 'amd64' }]);
    await pushManifest(reg.base, 'multi', 'latest', list, 'application/vnd.oci.image.index.v1+json');

    const got = await images.pull(`${reg.host}/multi`, { platform: { os: 'linux', architecture: 'amd64' } });
    assert.equal(got.digest, sha(list), 'the name resolves to the index');
    assert.equal(got.manifestDigest, amd.manifestDigest);
    assert.equal(await readFile(join(got.layerDirs[0]!, 'arch'), 'utf8'), 'amd64');
    const armGot = await images.pull(`${reg.host}/multi:latest`, { platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(armGot.architecture, 'arm64');
    await assert.rejects(images.pull(`${reg.host}/multi:latest`, { platform: { os: 'linux', architecture: 's390x' } }),
      (e) => isImageError(e) && e.kind === 'NotFound' && /no matching manifest for linux\/s390x/.test(e.message));
  });

  it('pulls docker.io names through a mirror from registries.yaml', async () => {
    const img = makeImage([base1], { config: { Cmd: ['nginx', '-g', 'daemon off;'] } });
    await pushImage(reg.base, 'library/nginx', '1.9.1', img);
    const got = await images.pull('nginx:1.9.1');
    assert.equal(got.ref, 'docker.io/library/nginx:1.9.1');
    assert.equal(got.repoDigest, `docker.io/library/nginx@${img.manifestDigest}`);
    assert.deepEqual((await images.resolveImage('docker.io/library/nginx:1.9.1')).config.Cmd, ['nginx', '-g', 'daemon off;']);
  });

  it('reports a missing tag or repository as NotFound, and an unreachable registry as Network', async () => {
    await assert.rejects(images.pull(`${reg.host}/demo:nope`), (e) => isImageError(e) && e.kind === 'NotFound' && e.reason === 'ErrImagePull' && /MANIFEST_UNKNOWN/.test(e.message));
    await assert.rejects(images.pull(`${reg.host}/no/such/repo:1`), (e) => isImageError(e) && e.kind === 'NotFound');
    await assert.rejects(images.pull('127.0.0.1:1/demo:1'), (e) => isImageError(e) && e.kind === 'Network' && e.retryable);
    await assert.rejects(images.pull('Not A Ref'), (e) => isImageError(e) && e.reason === 'InvalidImageName');
    assert.ok(!(await images.list()).some((i) => i.ref.includes('nope')));
  });

  it('applies imagePullPolicy', async () => {
    await assert.rejects(images.ensure(`${reg.host}/absent:1`, 'Never'), (e) => isImageError(e) && e.reason === 'ErrImageNeverPull');
    const local = await images.ensure(`${reg.host}/demo:1`, 'IfNotPresent');
    assert.equal(local.pulled, false);
    const again = await images.ensure(`${reg.host}/demo:1`, 'Always');
    assert.equal(again.pulled, true);
  });
});
