// Contract: the only place the linux runtime starts helper programs (runc, conmon, ip, nsenter),
// through spawner.ts (off the main thread).
// run() waits for the program and returns its exit code and output; it never throws for a
// non-zero exit (callers decide), only for a program that cannot be started at all. check()
// throws a RuntimeError carrying the program's own stderr, so a failure says what went wrong.
import { RuntimeError } from '../types.js';
import { spawnProgram } from './spawner.js';

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

export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await spawnProgram({
    cmd, args, env: opts.env ?? process.env, input: opts.input, timeoutMs: opts.timeoutMs ?? 60_000,
    stdio: opts.detachedStdio ? 'ignore' : 'pipe',
  });
  return { code: r.code ?? (r.signal ? 128 + signalNumber(r.signal) : 1), stdout: r.stdout, stderr: r.stderr };
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
