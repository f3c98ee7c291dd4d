// Shared helpers for kubectl-driven tests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../../src/testing/index.js';

export const SEED = join(import.meta.dirname, '..', '..', '..', 'shared', 'seed', 'manifests');

export function ok(r: RunResult, what = ''): string {
  assert.equal(r.code, 0, `${what} failed (rc=${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export function fails(r: RunResult, what = ''): string {
  assert.notEqual(r.code, 0, `${what} should have failed:\n${r.stdout}\n${r.stderr}`);
  return r.stderr;
}

export function writeManifest(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Split a kubectl table into rows of whitespace-separated cells (header included). */
export function tableRows(out: string): string[][] {
  return out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
}

export async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs a long-lived command (get -w) and resolves once its output matches, then kills it. */
export function watchUntil(bin: string, args: string[], env: NodeJS.ProcessEnv, match: RegExp, timeoutMs = 15_000): {
  done: Promise<string>;
} {
  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const done = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no match for ${match} in:\n${out}`)); }, timeoutMs);
    child.stdout.on('data', (c) => {
      out += c;
      if (match.test(out)) { clearTimeout(timer); child.kill('SIGTERM'); resolve(out); }
    });
    child.stderr.on('data', (c) => (out += c));
    child.on('close', () => { clearTimeout(timer); if (!match.test(out)) reject(new Error(`exited without ${match}:\n${out}`)); });
  });
  return { done };
}
