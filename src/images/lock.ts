// Contract: withLock(path, fn) runs fn while holding an exclusive lock that works both within
// this process (calls queue up) and across processes (`berth image load` beside a running
// `berth up`): the lock is a directory created with mkdir, which is atomic, holding the
// owner's pid. A lock whose owner is dead is taken over; a live owner is waited for.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const queues = new Map<string, Promise<unknown>>();

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

async function acquire(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      await mkdir(path);
      await writeFile(join(path, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number(await readFile(join(path, 'pid'), 'utf8').catch(() => ''));
    // No pid yet: the owner is between mkdir and writeFile; only a long-stale one is taken over.
    if ((pid && !alive(pid)) || (!pid && Date.now() > deadline)) {
      await rm(path, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`image store is locked by process ${pid} (${path})`);
    await sleep(wait);
  }
}

export async function withLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const prev = queues.get(path) ?? Promise.resolve();
  const run = prev.catch(() => undefined).then(async () => {
    await acquire(path, timeoutMs);
    try { return await fn(); } finally { await rm(path, { recursive: true, force: true }); }
  });
  const tail = run.catch(() => undefined);
  queues.set(path, tail);
  void tail.then(() => { if (queues.get(path) === tail) queues.delete(path); });
  return run;
}
