#!/usr/bin/env node
// Bundles the compiled CLI into one ES module (dist/berth.mjs). Loading one file instead of a
// few hundred modules takes a few hundred milliseconds off every `berth` start, which matters
// for `berth up`'s "ready in well under a second". better-sqlite3 stays external: it loads a
// native addon from its own folder.
import { build } from 'esbuild';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
await build({
  entryPoints: [join(root, 'dist', 'src', 'cmd', 'main.js')],
  outfile: join(root, 'dist', 'berth.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'node-unix-socket'],
  sourcemap: 'linked',
  logLevel: 'warning',
  // Bundled CommonJS dependencies call require(); ES modules have none of their own.
  banner: { js: "import { createRequire as __berthRequire } from 'node:module'; const require = __berthRequire(import.meta.url);" },
});
