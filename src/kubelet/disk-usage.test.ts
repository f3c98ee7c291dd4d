// du-style disk usage on real files: allocated blocks, not lengths; hard links once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { link, mkdir, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskUsage } from './disk-usage.js';

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'berth-du-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

const du = (p: string) => Number(execFileSync('du', ['-s', '-x', '-B1', p]).toString().split('\t')[0]);

test('counts allocated blocks of everything under the path, as du does', async () => {
  const d = join(dir, 'tree');
  await mkdir(join(d, 'a', 'b'), { recursive: true });
  await writeFile(join(d, 'a', 'one'), Buffer.alloc(3 * 1024 * 1024, 1));
  await writeFile(join(d, 'a', 'b', 'small'), 'x');
  const measured = await diskUsage(d);
  assert.ok(measured >= 3 * 1024 * 1024, `${measured}`);
  assert.equal(measured, du(d));
});

test('a sparse file counts what it occupies; a hard link counts once', async () => {
  const d = join(dir, 'sparse');
  await mkdir(d);
  const f = await open(join(d, 'hole'), 'w');
  await f.truncate(64 * 1024 * 1024);
  await f.close();
  await writeFile(join(d, 'data'), Buffer.alloc(1024 * 1024, 7));
  await link(join(d, 'data'), join(d, 'data-again'));
  const measured = await diskUsage(d);
  assert.ok(measured < 2 * 1024 * 1024, `a 64 MiB hole and 1 MiB linked twice take ${measured} bytes`);
  assert.equal(measured, du(d));
  assert.equal(await diskUsage(join(d, 'data')), Number((await stat(join(d, 'data'))).blocks) * 512, 'a file alone');
});

test('a path that does not exist uses nothing', async () => {
  assert.equal(await diskUsage(join(dir, 'missing')), 0);
});
