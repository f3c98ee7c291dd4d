// openStore: URL schemes and their errors.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { openStore } from '../index.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-store-open-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const enc = (s: string) => new TextEncoder().encode(s);

test('sqlite://<absolute path> creates the file (and its directory) and keeps data', async () => {
  const path = join(dir, 'abs', 'store.db');
  const s = await openStore(`sqlite://${path}`);
  await s.create('/a', enc('x'));
  await s.close();
  assert.ok(existsSync(path));
  const again = await openStore(`sqlite://${path}`);
  assert.equal((await again.get('/a'))?.modRevision, 1);
  await again.close();
});

test('sqlite://<relative path> is relative to the working directory', async () => {
  const rel = relative(process.cwd(), join(dir, 'rel', 'store.db'));
  assert.ok(!rel.startsWith('/'));
  const s = await openStore(`sqlite://${rel}`);
  await s.create('/a', enc('x'));
  await s.close();
  assert.ok(existsSync(join(dir, 'rel', 'store.db')));
});

test('sqlite://:memory: and memory:// are private in-memory stores', async () => {
  for (const url of ['sqlite://:memory:', 'memory://']) {
    const a = await openStore(url);
    const b = await openStore(url);
    await a.create('/only-in-a', enc('x'));
    assert.equal(await b.get('/only-in-a'), undefined, url);
    await a.close();
    await b.close();
  }
});

test('options reach the backend', async () => {
  const s = await openStore('memory://', { retainRevisions: 1, retainMs: 0, compactIntervalMs: 5 });
  let kv = await s.create('/a', enc('0'));
  for (let i = 1; i < 10; i++) kv = await s.update('/a', enc(String(i)), kv.modRevision);
  for (let i = 0; i < 200 && (await s.compactedRevision()) < 9; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(await s.compactedRevision(), 9);
  await s.close();
});

test('unsupported URLs fail with a clear message', async () => {
  await assert.rejects(openStore('etcd://127.0.0.1:2379'), /etcd:\/\/ stores are not implemented yet/);
  await assert.rejects(openStore('postgres://db'), /unknown store scheme postgres:\/\/ \(supported: sqlite:\/\/, memory:\/\/, etcd:\/\/\)/);
  await assert.rejects(openStore('/var/lib/berth.db'), /invalid store URL/);
  await assert.rejects(openStore('sqlite://'), /needs a path/);
  await assert.rejects(openStore('memory://x'), /takes no path/);
  await assert.rejects(openStore('toString://x'), /unknown store scheme/);
});
