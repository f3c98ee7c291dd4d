// The seed's image, nginx:1.9.1: pulled when asked (--pull), otherwise (or when the pull fails)
// built from Debian packages by scripts/build-demo-image.sh and loaded — said plainly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openImages } from '../../images/index.js';
import { projectRoot } from '../project-root.js';

export const SEED_IMAGE = 'nginx:1.9.1';

export async function ensureSeedImage(dataDir: string, opts: { pull: boolean; say: (s: string) => void }): Promise<void> {
  const images = await openImages({ root: join(dataDir, 'images'), registriesFile: join(dataDir, 'registries.yaml') });
  if (await images.status(SEED_IMAGE)) {
    opts.say(`Image ${SEED_IMAGE} is already in the node's image store.`);
    return;
  }
  if (opts.pull) {
    try {
      opts.say(`Pulling ${SEED_IMAGE} ...`);
      await images.pull(SEED_IMAGE, { signal: AbortSignal.timeout(60_000) });
      return;
    } catch (e) {
      opts.say(`Could not pull ${SEED_IMAGE} (${(e as Error).message.split('\n')[0]}).`);
    }
  }
  opts.say(`Building a small local image as ${SEED_IMAGE} from Debian packages (busybox-static, nginx, curl):`);
  opts.say('it serves /usr/share/nginx/html on port 80 like the real one, and has sh and curl for the walkthrough.');
  const dir = mkdtempSync(join(tmpdir(), 'berth-demo-image-'));
  try {
    const tar = join(dir, 'demo.tar');
    const r = spawnSync('bash', [join(projectRoot(), 'scripts', 'build-demo-image.sh'), tar, SEED_IMAGE], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building the demo image failed:\n${r.stdout}${r.stderr}`);
    await images.loadArchive(tar);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
