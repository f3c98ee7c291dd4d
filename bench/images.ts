// Image benchmark: prints figures, asserts nothing.
//   node --import tsx bench/images.ts [rounds]
// Uses the demo image (scripts/build-demo-image.sh: busybox + nginx + curl, ~10 MB gzipped).
// (a) `loadArchive` into an empty store vs GNU tar unpacking the same archive and its layers.
// (b) cold pull from docker-registry on loopback vs curl fetching each blob + tar -xzf (the
//     shell recipe in shared/reference runtime-scripts/02c-pull.sh), and a warm pull (all present).
// Needs the demo image's Debian packages; (b) also docker-registry. Missing pieces are skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openImages } from '../src/images/index.js';
import { pushBlobs, pushManifest } from '../test/images/helpers.js';
import { hasDockerRegistry, startDockerRegistry } from '../test/images/servers.js';

const ROUNDS = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-images-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
let n = 0;
const fresh = () => join(dir, `r${n++}`);

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const archive = join(dir, 'demo.tar');
  const built = spawnSync(join(import.meta.dirname, '../scripts/build-demo-image.sh'), [archive, 'bench:1'], { encoding: 'utf8' });
  if (built.status !== 0) { console.log(`skipped: demo image did not build (${built.stderr.trim()})`); return; }
  const layout = fresh();
  mkdirSync(layout);
  execFileSync('tar', ['-xf', archive, '-C', layout]);
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const manifestDigest: string = index.manifests[0].digest;
  const blobPath = (d: string) => join(layout, 'blobs/sha256', d.slice(7));
  const manifest = JSON.parse(readFileSync(blobPath(manifestDigest), 'utf8'));
  const layers: string[] = manifest.layers.map((l: { digest: string }) => l.digest);

  const load: number[] = [];
  const tarLoad: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    load.push(await time(async () => (await openImages({ root: fresh() })).loadArchive(archive)));
    tarLoad.push(await time(() => {
      const d = fresh();
      mkdirSync(d);
      execFileSync('tar', ['-xf', archive, '-C', d]);
      for (const l of layers) { const t = join(d, l.slice(7)); mkdirSync(t); execFileSync('tar', ['-xzf', join(d, 'blobs/sha256', l.slice(7)), '-C', t]); }
    }));
  }
  console.log(`(a) load demo archive: berth ${fmt(median(load))}, tar baseline ${fmt(median(tarLoad))} (ratio ${(median(load) / median(tarLoad)).toFixed(2)})`);

  if (!hasDockerRegistry) { console.log('(b) skipped: needs docker-registry'); return; }
  const reg = await startDockerRegistry();
  try {
    const blobs = new Map([manifest.config.digest, ...layers].map((d: string) => [d, readFileSync(blobPath(d))]));
    await pushBlobs(reg.base, 'bench', blobs);
    await pushManifest(reg.base, 'bench', '1', readFileSync(blobPath(manifestDigest)), manifest.mediaType);
    const cold: number[] = [];
    const warm: number[] = [];
    const curl: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const images = await openImages({ root: fresh() });
      cold.push(await time(() => images.pull(`${reg.host}/bench:1`)));
      warm.push(await time(() => images.pull(`${reg.host}/bench:1`)));
      curl.push(await time(() => {
        const d = fresh();
        mkdirSync(d);
        const accept = 'application/vnd.oci.image.manifest.v1+json';
        execFileSync('curl', ['-sf', '-H', `Accept: ${accept}`, '-o', join(d, 'manifest'), `${reg.base}/v2/bench/manifests/1`]);
        for (const b of [manifest.config.digest, ...layers]) execFileSync('curl', ['-sfL', '-o', join(d, b.slice(7)), `${reg.base}/v2/bench/blobs/${b}`]);
        for (const l of layers) {
          const t = join(d, `${l.slice(7)}.d`);
          mkdirSync(t);
          execFileSync('sh', ['-c', 'sha256sum "$1" >/dev/null && tar -xzf "$1" -C "$2"', 'sh', join(d, l.slice(7)), t]);
        }
      }));
    }
    console.log(`(b) pull demo image: cold ${fmt(median(cold))}, warm ${fmt(median(warm))}; curl+sha256sum+tar baseline ${fmt(median(curl))} (cold ratio ${(median(cold) / median(curl)).toFixed(2)})`);
  } finally {
    await reg.stop();
  }
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
