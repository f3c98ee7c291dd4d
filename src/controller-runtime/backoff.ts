// Exponential backoff for retry loops (watch reconnects, lease retries).
//
// Contract: next() returns the delay before the next attempt: initialMs, then doubling up to
// maxMs; reset() after a success starts again at initialMs. With jitter (the default) each
// delay is scaled by a random factor in [1, 1 + jitter), so many clients that failed together
// (an API server restart) do not retry together.

export interface BackoffOptions {
  readonly initialMs?: number;   // default 800 ms (client-go reflector)
  readonly maxMs?: number;       // default 30 s
  readonly jitter?: number;      // default 1.0; 0 for deterministic tests
  readonly random?: () => number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private current = 0;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 800;
    this.maxMs = opts.maxMs ?? 30_000;
    this.jitter = opts.jitter ?? 1.0;
    this.random = opts.random ?? Math.random;
  }

  next(): number {
    this.current = this.current === 0 ? this.initialMs : Math.min(this.maxMs, this.current * 2);
    return Math.min(this.maxMs, this.current * (1 + this.jitter * this.random()));
  }

  reset(): void { this.current = 0; }
}
