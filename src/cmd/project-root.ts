// Where the files shipped beside the CLI live (examples/, scripts/): the nearest folder above
// this module with Berth's package.json. Works from src/ under tsx, from dist/ after tsc, and
// from the single-file bundle.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function projectRoot(): string {
  if (cached) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'berth') return (cached = dir);
    if (dirname(dir) === dir) throw new Error('berth: cannot find the installation folder (no package.json named berth above the CLI)');
  }
}
