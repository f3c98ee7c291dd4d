// `berth reset`: remove a data directory (objects, volumes, certificates) after asking.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { stopLeftoverPods } from '../cluster/index.js';
import { paths, resolveDataDir } from './data-dir.js';

export async function reset(opts: { dataDir?: string; yes?: boolean }): Promise<number> {
  const dataDir = resolveDataDir(opts.dataDir);
  const p = paths(dataDir);
  if (!existsSync(dataDir)) { console.log(`nothing to reset: ${dataDir} does not exist`); return 0; }
  if (existsSync(p.state)) {
    const { pid } = JSON.parse(readFileSync(p.state, 'utf8')) as { pid: number };
    let running = false;
    try { process.kill(pid, 0); running = true; } catch { /* not running */ }
    if (running) { console.error(`berth is still running (pid ${pid}); stop it first`); return 1; }
  }
  if (!opts.yes) {
    if (!process.stdin.isTTY) { console.error('refusing to reset without a terminal; pass --yes'); return 1; }
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Delete ${dataDir} and everything in it (all objects and volumes)? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) { console.log('aborted'); return 1; }
  }
  // Pods of a real node outlive `berth up`; stop them and unmount their volumes before their files go.
  try {
    await stopLeftoverPods(dataDir, (m) => console.log(m));
  } catch (e) {
    console.error(`${(e as Error).message}\n${dataDir} was not removed`);
    return 1;
  }
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`removed ${dataDir}`);
  return 0;
}
