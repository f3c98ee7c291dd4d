// Crash-loop backoff per (pod, container) (upstream flowcontrol.Backoff as the kubelet uses it):
// the first restart is immediate, then 10 s, 20 s, 40 s ... up to 5 min between restarts.
// An entry is forgotten once the container ran for twice the maximum without exiting.

export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry { delayMs: number; lastExit: number }

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly initialMs = INITIAL_BACKOFF_MS, private readonly maxMs = MAX_BACKOFF_MS) {}

  /** How long from now the container must still wait after the exit at `exitedAt`; 0 = may restart. */
  remaining(key: string, exitedAt: number, now: number): number {
    const e = this.live(key, exitedAt);
    if (!e) return 0;
    return Math.max(0, exitedAt + e.delayMs - now);
  }

  /** The delay the current wait uses (for messages). */
  delayMs(key: string): number {
    return this.entries.get(key)?.delayMs ?? this.initialMs;
  }

  /** Records a restart after the exit at `exitedAt`: the next wait doubles. */
  next(key: string, exitedAt: number): void {
    const e = this.live(key, exitedAt);
    if (!e) this.entries.set(key, { delayMs: this.initialMs, lastExit: exitedAt });
    else if (e.lastExit !== exitedAt) this.entries.set(key, { delayMs: Math.min(e.delayMs * 2, this.maxMs), lastExit: exitedAt });
  }

  /** How long from now a wait that began at the last recorded event still lasts (flowcontrol IsInBackOffSinceUpdate). */
  remainingSinceUpdate(key: string, now: number): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.lastExit + e.delayMs - now) : 0;
  }

  /** Drops every entry of a pod (it is gone). */
  forgetPod(podUid: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(`${podUid}/`)) this.entries.delete(k);
  }

  private live(key: string, exitedAt: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && exitedAt - e.lastExit > 2 * this.maxMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }
}

/** Go's time.Duration.String for whole seconds and minutes (10s, 1m20s, 5m0s). */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${s % 60}s`;
}
