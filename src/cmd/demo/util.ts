// Narration helpers for the demo.
import { join } from 'node:path';
import { projectRoot } from '../project-root.js';

export const say = (s: string): void => { console.log(s); };
export const step = (s: string): void => { console.log(`\n== ${s}`); };

export function examplesDir(): string {
  return join(projectRoot(), 'examples');
}

export async function waitFor(check: () => Promise<boolean | undefined>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
