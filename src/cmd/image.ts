// `berth image load|pull|ls|rm`: the node's image store from the command line.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { familiarName, isImageError, openImages, type Images } from '../images/index.js';
import { resolveDataDir } from './data-dir.js';

function open(dataDir: string | undefined): Promise<Images> {
  const dir = resolveDataDir(dataDir);
  return openImages({ root: join(dir, 'images'), registriesFile: join(dir, 'registries.yaml') });
}

const human = (n: number): string => {
  const units = ['B', 'kB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${n.toFixed(i ? 1 : 0)}${units[i]}`;
};

function bar(): cliProgress.MultiBar | undefined {
  if (!process.stderr.isTTY) return undefined;
  return new cliProgress.MultiBar({
    stream: process.stderr, clearOnComplete: false, hideCursor: true,
    format: ' {label} [{bar}] {percentage}% | {value}/{total} bytes',
  }, cliProgress.Presets.shades_grey);
}

export async function imageLoad(file: string, opts: { dataDir?: string; tag?: string }): Promise<number> {
  const images = await open(opts.dataDir);
  const size = statSync(file).size;
  const bars = bar();
  const b = bars?.create(size, 0, { label: 'loading' });
  const loaded = await images.loadArchive(file, { tag: opts.tag, onProgress: (n) => b?.update(Math.min(n, size)) });
  b?.update(size);
  bars?.stop();
  for (const img of loaded) console.log(`Loaded image: ${img.names.map(familiarName).join(', ') || img.id}`);
  return 0;
}

export async function imagePull(ref: string, opts: { dataDir?: string }): Promise<number> {
  const images = await open(opts.dataDir);
  const bars = bar();
  const perBlob = new Map<string, cliProgress.SingleBar>();
  try {
    const img = await images.pull(ref, {
      onProgress: (p) => {
        if (!bars) return;
        let b = perBlob.get(p.digest);
        if (!b) perBlob.set(p.digest, b = bars.create(Math.max(p.total, 1), 0, { label: p.digest.slice(7, 19) }));
        if (p.phase === 'downloading') b.update(p.done);
        if (p.phase === 'done' || p.phase === 'exists') b.update(Math.max(p.total, 1));
      },
    });
    bars?.stop();
    console.log(`${img.name ? familiarName(img.name) : ref}: ${img.digest ?? img.id}`);
    return 0;
  } catch (e) {
    bars?.stop();
    if (isImageError(e)) { console.error(`berth: pulling ${ref}: ${e.message}`); return 1; }
    throw e;
  }
}

export async function imageList(opts: { dataDir?: string }): Promise<number> {
  const images = await open(opts.dataDir);
  const rows = (await images.list()).map((i) => [i.name ? familiarName(i.name) : '<none>', i.tag ?? '<none>', i.id.replace(/^sha256:/, '').slice(0, 12), human(i.size)]);
  const header = ['IMAGE', 'TAG', 'IMAGE ID', 'SIZE'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  for (const r of [header, ...rows]) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('   ').trimEnd());
  return 0;
}

export async function imageRemove(refs: string[], opts: { dataDir?: string }): Promise<number> {
  const images = await open(opts.dataDir);
  let rc = 0;
  for (const ref of refs) {
    try {
      for (const removed of await images.remove(ref)) console.log(`Deleted: ${removed}`);
    } catch (e) {
      console.error(`berth: ${ref}: ${(e as Error).message}`);
      rc = 1;
    }
  }
  return rc;
}
