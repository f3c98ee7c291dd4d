// Registry behaviour a stock docker-registry will not show here, against a small fake registry
// on loopback: bearer-token auth with credentials from an imagePullSecret, Basic auth,
// refused credentials, blob redirects to another host (without our token), and corrupt
// manifests or blobs, which must be refused before anything is recorded.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { credentialsFromDockerConfig, isImageError, openImages, type Images } from '../../src/images/index.js';
import { makeImage, makeTar, sha, tempDir, type TestImage } from './helpers.js';
import { startFakeRegistry, type FakeRegistry, type FakeRegistryOptions } from './servers.js';

const secret = (host: string, username: string, password: string) =>
  credentialsFromDockerConfig({ auths: { [`http://${host}`]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } });

describe('registry auth, redirects and corruption (fake registry)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let images: Images;
  let img: TestImage;
  const servers: FakeRegistry[] = [];

  const serve = async (extra: Partial<FakeRegistryOptions> = {}, image = img) => {
    const s = await startFakeRegistry({
      manifests: new Map([['demo:1', { body: image.manifest, mediaType: image.mediaType }]]),
      blobs: new Map(image.blobs), ...extra,
    });
    servers.push(s);
    return s;
  };

  before(async () => {
    ({ dir, cleanup } = await tempDir());
    img = makeImage([await makeTar([{ name: 'hello', content: 'world' }])]);
  });
  afterEach(async () => {
    while (servers.length) await servers.pop()!.stop();
  });
  after(async () => cleanup());

  it('gets a bearer token from the realm with imagePullSecret credentials', async () => {
    images = await openImages({ root: join(dir, 'images-bearer') });
    const reg = await serve({ auth: { scheme: 'bearer', username: 'alice', password: 's3cret' } });
    const got = await images.pull(`${reg.host}/demo:1`, { credentials: secret(reg.host, 'alice', 's3cret') });
    assert.equal(got.id, img.configDigest);
    assert.deepEqual(reg.log.slice(0, 3), ['GET /v2/', 'GET /token Basic', 'GET /v2/demo/manifests/1 Bearer']);
  });

  it('reports refused or missing credentials as Unauthorized', async () => {
    images = await openImages({ root: join(dir, 'images-refused') });
    const reg = await serve({ auth: { scheme: 'bearer', username: 'alice', password: 's3cret' } });
    await assert.rejects(images.pull(`${reg.host}/demo:1`, { credentials: secret(reg.host, 'alice', 'wrong') }),
      (e) => isImageError(e) && e.kind === 'Unauthorized' && e.reason === 'ErrImagePull');
    await assert.rejects(images.pull(`${reg.host}/demo:1`), (e) => isImageError(e) && e.kind === 'Unauthorized' && /credentials/.test(e.message));
    // A secret for another registry is not sent here.
    await assert.rejects(images.pull(`${reg.host}/demo:1`, { credentials: secret('registry.example.com', 'alice', 's3cret') }),
      (e) => isImageError(e) && e.kind === 'Unauthorized');
  });

  it('answers a Basic challenge with the credentials', async () => {
    images = await openImages({ root: join(dir, 'images-basic') });
    const reg = await serve({ auth: { scheme: 'basic', username: 'bob', password: 'pw' } });
    const got = await images.pull(`${reg.host}/demo:1`, { credentials: secret(reg.host, 'bob', 'pw') });
    assert.equal(got.digest, img.manifestDigest);
    assert.ok(reg.log.includes('GET /v2/demo/manifests/1 Basic'));
  });

  it('follows blob redirects to another host without sending the registry token', async () => {
    images = await openImages({ root: join(dir, 'images-redirect') });
    const storage = await serve();
    // "localhost" is another host than "127.0.0.1" for the Authorization rule, and still loopback.
    const reg = await serve({ auth: { scheme: 'bearer', username: 'u', password: 'p' }, redirectBlobsTo: storage.base.replace('127.0.0.1', 'localhost') });
    const got = await images.pull(`${reg.host}/demo:1`, { credentials: secret(reg.host, 'u', 'p') });
    assert.equal(got.id, img.configDigest);
    assert.ok(storage.log.some((l) => l.startsWith('GET /storage/') && !l.includes('Bearer')));
  });

  it('refuses a blob whose bytes do not match its digest, and records nothing', async () => {
    images = await openImages({ root: join(dir, 'images-corrupt') });
    const blobs = new Map(img.blobs);
    blobs.set(img.layerDigests[0]!, Buffer.from('not the layer'));
    const reg = await serve({ blobs });
    await assert.rejects(images.pull(`${reg.host}/demo:1`), (e) => isImageError(e) && e.kind === 'InvalidImage' && /digest mismatch/.test(e.message));
    assert.deepEqual(await images.list(), []);
    assert.equal(await images.store.blobs.has(img.layerDigests[0]!), false);
  });

  it('reports a download that breaks off as a retryable Network error', async () => {
    images = await openImages({ root: join(dir, 'images-truncated') });
    const reg = await serve({ truncateBlobs: true });
    await assert.rejects(images.pull(`${reg.host}/demo:1`), (e) => isImageError(e) && e.kind === 'Network' && e.retryable);
    assert.deepEqual(await images.list(), []);
    assert.deepEqual(await images.store.blobs.list(), [img.manifestDigest], 'only the verified manifest was kept');
  });

  it('refuses a manifest that does not match the digest asked for or announced', async () => {
    images = await openImages({ root: join(dir, 'images-badmanifest') });
    const other = makeImage([await makeTar([{ name: 'x', content: 'y' }])]);
    const reg = await serve({
      manifests: new Map([
        ['demo:1', { body: img.manifest, mediaType: img.mediaType, announce: other.manifestDigest }],
        [`demo@${img.manifestDigest}`, { body: other.manifest, mediaType: other.mediaType }],
      ]),
    });
    await assert.rejects(images.pull(`${reg.host}/demo:1`), (e) => isImageError(e) && /digest mismatch/.test(e.message));
    await assert.rejects(images.pull(`${reg.host}/demo@${img.manifestDigest}`), (e) => isImageError(e) && /digest mismatch/.test(e.message));
  });

  it('refuses a layer whose content does not match the config diff ID', async () => {
    images = await openImages({ root: join(dir, 'images-diffid') });
    const good = await makeTar([{ name: 'a', content: 'a' }]);
    const lying = makeImage([good]);
    // Same layer blob, but the config names another diff ID.
    const cfg = JSON.parse(lying.blobs.get(lying.configDigest)!.toString());
    cfg.rootfs.diff_ids = [sha('other')];
    const cfgBytes = Buffer.from(JSON.stringify(cfg));
    const manifest = JSON.parse(lying.manifest.toString());
    manifest.config = { ...manifest.config, digest: sha(cfgBytes), size: cfgBytes.length };
    const manBytes = Buffer.from(JSON.stringify(manifest));
    const reg = await serve({
      manifests: new Map([['demo:1', { body: manBytes, mediaType: lying.mediaType }]]),
      blobs: new Map([...lying.blobs, [sha(cfgBytes), cfgBytes]]),
    });
    await assert.rejects(images.pull(`${reg.host}/demo:1`), (e) => isImageError(e) && /diff ID/.test(e.message));
    assert.deepEqual(await images.list(), []);
  });
});
