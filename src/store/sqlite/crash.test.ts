// Durability against a process crash: a child writes in a loop and is SIGKILLed mid-write;
// every write it acknowledged must be there when the store is reopened, the file must be
// consistent, and revisions must keep increasing. Several rounds on the same file.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { openSqliteStore } from './store.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'berth-store-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Acked { creates: Array<[key: string, rev: number]>; lastUpdate: [rev: number, counter: number] | undefined }

/** Runs the child until it has acknowledged at least `minAcks` writes plus a random bit more, then SIGKILLs it. */
function runAndKill(path: string, round: number, minAcks: number): Promise<Acked> {
  const acked: Acked = { creates: [], lastUpdate: undefined };
  const proc = spawn(process.execPath, ['--import', 'tsx', child, path, String(round)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  let killTimer: NodeJS.Timeout | undefined;
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const [kind, a, b] = line.split(' ');
    if (kind === 'c') acked.creates.push([a, Number(b)]);
    if (kind === 'u') acked.lastUpdate = [Number(a), Number(b)];
    if (!killTimer && acked.creates.length >= minAcks) {
      killTimer = setTimeout(() => proc.kill('SIGKILL'), Math.floor(Math.random() * 20));
    }
  });
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`child exited on its own (code ${code}): ${stderr}`));
    });
  });
}

test('every acknowledged write survives SIGKILL, over several crash rounds', { timeout: 60_000 }, async () => {
  const path = join(dir, 'crash.db');
  let lastRev = 0;
  for (let round = 0; round < 3; round++) {
    const acked = await runAndKill(path, round, 300 + round * 200);
    assert.ok(acked.creates.length >= 300, `round ${round}: the child acknowledged ${acked.creates.length} creates`);
    const firstRev = acked.creates[0][1];
    assert.ok(firstRev > lastRev, `round ${round}: revisions continue after a crash (${firstRev} > ${lastRev})`);

    const s = await openSqliteStore(path, { compactIntervalMs: 0 });
    for (const [key, rev] of acked.creates) {
      const kv = await s.get(key);
      assert.ok(kv, `acknowledged ${key}@${rev} is missing`);
      assert.deepEqual([kv.createRevision, kv.modRevision], [rev, rev]);
    }
    const [updRev, counter] = acked.lastUpdate!;
    const cur = (await s.get('/crash/counter'))!;
    assert.ok(cur.modRevision >= updRev);
    assert.ok(Number(new TextDecoder().decode(cur.value)) >= counter);
    lastRev = await s.currentRevision();
    assert.ok(lastRev >= Math.max(updRev, acked.creates.at(-1)![1]));
    // Writable, and history still replays from the compacted revision.
    const next = await s.create(`/crash/after${round}`, new Uint8Array([1]));
    assert.equal(next.modRevision, lastRev + 1);
    lastRev = next.modRevision;
    const ac = new AbortController();
    let replayed = 0;
    for await (const ev of s.watch('/crash/', await s.compactedRevision(), ac.signal)) {
      if ((ev.type === 'put' ? ev.kv.modRevision : ev.revision) === lastRev) break;
      replayed++;
    }
    assert.ok(replayed > 0);
    await s.close();

    const raw = new Database(path, { readonly: true });
    assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
    const orphans = raw.prepare(
      'SELECT count(*) AS n FROM kv LEFT JOIN log ON log.rev = kv.mod_rev AND log.key = kv.key AND log.value = kv.value WHERE log.rev IS NULL').get() as { n: number };
    assert.equal(orphans.n, 0, 'every current value is the latest row of the log');
    raw.close();
  }
});
