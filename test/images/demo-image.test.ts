// The demo image end to end: scripts/build-demo-image.sh builds it reproducibly from Debian
// packages, `loadArchive` reads it under the seed's name, a push to docker-registry and a pull
// by Berth give the same digests, and its layers, mounted as a real overlay, run nginx serving
// the index page to curl (in throwaway namespaces, so nothing is left mounted or running).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openImages } from '../../src/images/index.js';
import { isRoot, pushBlobs, pushManifest, tempDir } from './helpers.js';
import { hasDockerRegistry, startDockerRegistry } from './servers.js';
import tar from 'tar-stream';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

const script = join(import.meta.dirname, '../../scripts/build-demo-image.sh');
const missing = ['/bin/busybox', '/usr/sbin/nginx', '/usr/bin/curl'].filter((f) => spawnSync('test', ['-x', f]).status !== 0);
const skip = missing.length ? `needs ${missing.join(', ')} (Debian packages busybox-static nginx-light curl)` : false;

/** The files of a tar, in memory (the demo layout is about 10 MB). */
async function readTar(file: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const ex = tar.extract();
  const done = pipeline(createReadStream(file), ex as unknown as NodeJS.WritableStream);
  for await (const e of ex) {
    const chunks: Buffer[] = [];
    for await (const c of e) chunks.push(c as Buffer);
    if (e.header.type === 'file') out.set(e.header.name, Buffer.concat(chunks));
  }
  await done;
  return out;
}

describe('demo image (scripts/build-demo-image.sh)', { skip }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let archive: string;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    archive = join(dir, 'demo.tar');
    execFileSync(script, [archive, 'nginx:1.9.1'], { stdio: 'pipe' });
  });
  after(async () => cleanup());

  it('builds reproducibly', async () => {
    const again = join(dir, 'again.tar');
    execFileSync(script, [again, 'nginx:1.9.1'], { stdio: 'pipe' });
    assert.ok((await readFile(archive)).equals(await readFile(again)), 'byte-identical archives');
  });

  it('loads as nginx:1.9.1 with nginx in the foreground as its command', async () => {
    const images = await openImages({ root: join(dir, 'store') });
    const [loaded] = await images.loadArchive(archive);
    assert.deepEqual(loaded!.names, ['docker.io/library/nginx:1.9.1']);
    const img = await images.resolveImage('nginx:1.9.1');
    assert.deepEqual(img.config.Cmd, ['/usr/sbin/nginx', '-g', 'daemon off;']);
    assert.deepEqual(img.config.ExposedPorts, { '80/tcp': {} });
    assert.equal(img.layerDirs.length, 2);
    const conf = await readFile(join(img.layerDirs[1]!, 'etc/nginx/nginx.conf'), 'utf8');
    assert.match(conf, /listen 80;/);
    assert.match(conf, /root \/usr\/share\/nginx\/html;/);
  });

  it('pushes to docker-registry and pulls back with the same digests', { skip: !hasDockerRegistry && 'needs docker-registry' }, async () => {
    const files = await readTar(archive);
    const index = JSON.parse(files.get('index.json')!.toString());
    const desc = index.manifests[0];
    const blobs = new Map([...files].filter(([p]) => p.startsWith('blobs/sha256/')).map(([p, b]) => [`sha256:${p.slice(13)}`, b]));
    const reg = await startDockerRegistry();
    try {
      await pushBlobs(reg.base, 'library/nginx', blobs);
      await pushManifest(reg.base, 'library/nginx', '1.9.1', blobs.get(desc.digest)!, desc.mediaType);
      const images = await openImages({ root: join(dir, 'pulled') });
      const got = await images.pull(`${reg.host}/library/nginx:1.9.1`);
      assert.equal(got.digest, desc.digest);
    } finally {
      await reg.stop();
    }
  });

  it('runs nginx from its layers through an overlay, and curl in the image fetches the page', { skip: !isRoot && 'needs root (mount, namespaces)' }, async () => {
    const images = await openImages({ root: join(dir, 'store') });
    const img = await images.resolveImage('nginx:1.9.1');
    const ctr = join(dir, 'ctr');
    for (const d of ['upper', 'work', 'merged']) await mkdir(join(ctr, d), { recursive: true });
    const lower = [...img.layerDirs].reverse().join(':');
    // A private mount namespace and a new pid namespace: when sh exits, nginx and the mounts go with it.
    const run = spawnSync('timeout', ['30', 'unshare', '--mount', '--net', '--pid', '--fork', '--propagation', 'private', 'sh', '-euc', `
      M=${ctr}/merged
      mount -t overlay overlay -o lowerdir=${lower},upperdir=${ctr}/upper,workdir=${ctr}/work "$M"
      mount -t proc proc "$M/proc"
      chroot "$M" /bin/busybox ip link set lo up
      chroot "$M" /usr/sbin/nginx -g 'daemon off;' &
      for i in $(seq 100); do chroot "$M" /usr/bin/curl -sf http://127.0.0.1/ && exit 0; sleep 0.1; done
      exit 1`], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'Welcome to nginx on Berth\n');
    assert.ok(!(await readFile('/proc/mounts', 'utf8')).includes(ctr), 'no mount left behind');
  });
});
