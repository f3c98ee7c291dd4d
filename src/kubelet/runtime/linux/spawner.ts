// Contract: starts helper programs (runc, conmon, ip) from a worker thread. Why: spawn() forks
// the whole agent process before exec, and the fork of a process holding the API server, the
// store and every informer blocks its thread for 5-20 ms; starting many pods at once spent most
// of the agent's main thread there. From the worker, the main thread keeps serving while the
// fork happens. The worker is plain JavaScript (no file of its own, so bundling is unaffected),
// never keeps the process alive, and is started on first use. Without worker support (or if
// it dies), programs are spawned on the calling thread as before.
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';

export interface SpawnRequest {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Written to stdin, then closed; ignored unless stdin is a pipe. */
  readonly input?: string;
  /** 'pipe' (default: output collected), 'ignore', or file descriptors per stream (fd 0.. n). */
  readonly stdio?: 'pipe' | 'ignore' | ReadonlyArray<'ignore' | number>;
  readonly detached?: boolean;
  readonly timeoutMs?: number;
}

export interface SpawnResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

const WORKER = `
const { parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
parentPort.on('message', ({ id, req }) => {
  let child;
  try {
    const stdio = req.stdio === undefined ? 'pipe' : req.stdio;
    child = spawn(req.cmd, req.args, { env: req.env, cwd: req.cwd, stdio, detached: !!req.detached });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e) });
    return;
  }
  const out = [], err = [];
  if (child.stdout) child.stdout.on('data', (d) => out.push(d));
  if (child.stderr) child.stderr.on('data', (d) => err.push(d));
  if (child.stdin) { child.stdin.on('error', () => {}); child.stdin.end(req.input || ''); }
  const timer = setTimeout(() => child.kill('SIGKILL'), req.timeoutMs || 60000);
  let done = false;
  const finish = (msg) => { if (done) return; done = true; clearTimeout(timer); parentPort.postMessage(Object.assign({ id }, msg)); };
  child.on('error', (e) => finish({ error: String(e && e.message || e), code: e && e.code }));
  child.on(child.stdout || child.stderr ? 'close' : 'exit', (code, signal) => finish({
    code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
  }));
});
`;

let worker: Worker | undefined;
let broken = false;
let nextId = 1;
const pending = new Map<number, { resolve: (r: SpawnResult) => void; reject: (e: Error) => void }>();

function getWorker(): Worker | undefined {
  if (broken) return undefined;
  if (worker) return worker;
  try {
    const w = new Worker(WORKER, { eval: true });
    w.unref();
    w.on('message', (m: { id: number; error?: string; code?: number | null | string; signal?: string | null; stdout?: string; stderr?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.error !== undefined) p.reject(Object.assign(new Error(m.error), { code: m.code }));
      else p.resolve({ code: (m.code as number | null) ?? null, signal: m.signal ?? null, stdout: m.stdout ?? '', stderr: m.stderr ?? '' });
    });
    const fail = (e: unknown) => {
      broken = true;
      worker = undefined;
      for (const p of pending.values()) p.reject(e instanceof Error ? e : new Error(String(e)));
      pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => { if (pending.size) fail(new Error(`spawn worker exited with ${code}`)); worker = undefined; });
    worker = w;
    return w;
  } catch {
    broken = true;
    return undefined;
  }
}

/** Runs a program to its end (its 'close', or 'exit' when no output is collected). */
export function spawnProgram(req: SpawnRequest): Promise<SpawnResult> {
  const w = getWorker();
  if (!w) return spawnHere(req);
  const id = nextId++;
  return new Promise<SpawnResult>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    // The worker holds no reference of its own: keep the process alive only while a program runs.
    w.ref();
    w.postMessage({ id, req: { ...req, env: req.env ?? process.env } });
  });
}

function spawnHere(req: SpawnRequest): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(req.cmd, req.args, { env: req.env ?? process.env, cwd: req.cwd, stdio: (req.stdio ?? 'pipe') as 'pipe', detached: req.detached });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(req.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), req.timeoutMs ?? 60_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on(child.stdout || child.stderr ? 'close' : 'exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
