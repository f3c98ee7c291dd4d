// Contract: the only place the linux runtime starts helper programs (runc, conmon, ip, nsenter).
// run() waits for the program and returns its exit code and output; it never throws for a
// non-zero exit (callers decide), only for a program that cannot be started at all. check()
// throws a RuntimeError carrying the program's own stderr, so a failure says what went wrong.
import { spawn, type SpawnOptions } from 'node:child_process';
import { RuntimeError } from '../types.js';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Written to the program's stdin, then closed. */
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; default 60 s, so a wedged helper never hangs a pod worker. */
  readonly timeoutMs?: number;
  /**
   * No pipes at all (stdio on /dev/null): for `runc run --detach`, whose stdio becomes the
   * container's, so a pipe would stay open for the container's life and hang the wait.
   */
  readonly detachedStdio?: boolean;
}

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const spawnOpts: SpawnOptions = { stdio: opts.detachedStdio ? 'ignore' : 'pipe', env: opts.env ?? process.env };
    const child = spawn(cmd, args, spawnOpts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 + signalNumber(signal) : 1),
        stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin?.on('error', () => { /* a program that exits without reading its input is not an error */ });
    child.stdin?.end(opts.input ?? '');
  });
}

/** run() that throws RuntimeError(`<what>: <stderr>`) on a non-zero exit. */
export async function check(what: string, cmd: string, args: readonly string[], opts: RunOptions = {}, reason?: string): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new RuntimeError(`${what}: ${cleanMessage(r.stderr || r.stdout) || `${cmd} exited with ${r.code}`}`, reason);
  return r.stdout;
}

/** runc and conmon log as `time="..." level=error msg="..."`: keep only the messages. */
export function cleanMessage(text: string): string {
  const msgs = [...text.matchAll(/msg="((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\"/g, '"'));
  return (msgs.length ? msgs.join('; ') : text).trim();
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGPIPE: 13, SIGTERM: 15 };

export function signalNumber(name: string): number {
  return SIGNALS[name] ?? 1;
}
