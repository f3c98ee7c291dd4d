// The built `berth` binary as a user runs it: `berth up` in the background until it prints the
// KUBECONFIG line, Ctrl-C to stop, and the seed image built from Debian packages and loaded.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { runProcess } from '../../src/testing/index.js';

export const BERTH = join(import.meta.dirname, '..', '..', 'bin', 'berth');

export interface BerthUp { readonly child: ChildProcess; output(): string; readonly kubeconfig: string }

export function berthUp(dataDir: string, runtime = 'sim', extra: string[] = []): Promise<BerthUp> {
  const child = spawn(BERTH, ['up', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--runtime', runtime, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`berth up did not become ready:\n${out}`)); }, 30_000);
    child.stdout!.on('data', () => {
      const m = /^export KUBECONFIG=(.+)$/m.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, output: () => out, kubeconfig: m[1] }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`berth up exited with ${code}:\n${out}`)); });
  });
}

/** Ctrl-C; resolves with the exit code. */
export function berthStop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

/** Builds the seed's nginx:1.9.1 stand-in (busybox, nginx, curl) into `tar` and loads it into `dataDir`. */
export async function loadSeedImage(tar: string, dataDir: string): Promise<void> {
  const built = await runProcess('bash', [join(import.meta.dirname, '..', '..', 'scripts', 'build-demo-image.sh'), tar, 'nginx:1.9.1'], { timeoutMs: 120_000 });
  if (built.code !== 0) throw new Error(`building the image failed:\n${built.stderr}`);
  const loaded = await runProcess(BERTH, ['image', 'load', tar, '--data-dir', dataDir]);
  if (loaded.code !== 0) throw new Error(`berth image load failed:\n${loaded.stderr}`);
}
