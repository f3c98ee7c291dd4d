// Contract: processes are named by (pid, start time) so that a PID the kernel has handed to a
// new process is never signalled by mistake. The start time is field 22 of /proc/PID/stat
// (clock ticks since boot): stable for the life of a process, different for any reuse of its PID.
import { readFile } from 'node:fs/promises';
import { constants } from 'node:os';

export interface ProcRef {
  readonly pid: number;
  readonly startTime: string;
}

/** Field 22 of /proc/PID/stat, or undefined when the process is gone. */
export async function startTimeOf(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state), so field 22 is rest[19]. A zombie has exited already.
    if (rest[0] === 'Z' || rest[0] === 'X') return undefined;
    return rest[19];
  } catch {
    return undefined;
  }
}

export async function procRef(pid: number): Promise<ProcRef | undefined> {
  const startTime = await startTimeOf(pid);
  return startTime === undefined ? undefined : { pid, startTime };
}

/** True while the very process recorded in `ref` runs (a reused PID is not it). */
export async function isAlive(ref: ProcRef | undefined): Promise<boolean> {
  if (!ref || ref.pid <= 0) return false;
  return (await startTimeOf(ref.pid)) === ref.startTime;
}

/** Signals the recorded process if it is still that process; false when it is gone. */
export async function signalProc(ref: ProcRef | undefined, signal: NodeJS.Signals): Promise<boolean> {
  if (!(await isAlive(ref))) return false;
  try {
    process.kill(ref!.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the process is gone or `ms` has passed; true if it is gone. */
export async function waitGone(ref: ProcRef | undefined, ms: number, stepMs = 20): Promise<boolean> {
  const until = Date.now() + ms;
  while (await isAlive(ref)) {
    if (Date.now() >= until) return false;
    await sleep(stepMs);
  }
  return true;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Signal name (SIGTERM, TERM, 15) → a name process.kill accepts; unknown names fall back to SIGTERM. */
export function signalName(sig: string | undefined): NodeJS.Signals {
  if (!sig) return 'SIGTERM';
  const s = sig.trim().toUpperCase();
  const n = Number(s);
  if (Number.isInteger(n)) {
    const hit = Object.entries(constants.signals).find(([, v]) => v === n);
    return (hit?.[0] as NodeJS.Signals | undefined) ?? 'SIGTERM';
  }
  const name = s.startsWith('SIG') ? s : `SIG${s}`;
  return name in constants.signals ? (name as NodeJS.Signals) : 'SIGTERM';
}
