// FakeClock: a Clock whose time moves only when a test calls advance(). Timers fire in deadline
// order (ties in the order they were armed), and between timers the promise jobs they started
// are allowed to settle, so async code driven by the clock runs as it would in real time.

import type { Clock } from '../clock.js';

interface Timer { readonly at: number; readonly seq: number; readonly fn: () => void }

export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 1_700_000_000_000) { this.time = start; }

  now(): number { return this.time; }

  setTimer(fn: () => void, ms: number): () => void {
    const t: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(t);
    return () => { this.timers = this.timers.filter((x) => x !== t); };
  }

  /** Timers not yet fired. */
  pending(): number { return this.timers.length; }

  /** Moves time forward by ms, firing due timers one at a time and settling async work. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > end) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.time = Math.max(this.time, next.at);
      next.fn();
      await settle();
    }
    this.time = end;
    await settle();
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }
}

/** Lets pending promise jobs and immediates run (several rounds: chains of awaits). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
