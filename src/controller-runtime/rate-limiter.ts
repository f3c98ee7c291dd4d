// Rate limiters for retries (client-go util/workqueue/default_rate_limiters.go).
//
// Contract:
// - when(key) is called once per retry and returns how long to wait before it; calling it
//   counts a failure (the exponential limiter) or spends a token (the bucket).
// - forget(key) is called when the key finally succeeded: its failure history is dropped.
// - numRequeues(key) is the number of failures counted since the last forget.

import { realClock, type Clock } from './clock.js';

export interface RateLimiter<K> {
  when(key: K): number;
  forget(key: K): void;
  numRequeues(key: K): number;
}

/** Per-key exponential backoff: baseMs * 2^failures, capped at maxMs. */
export class ExponentialFailureRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();
  constructor(private readonly baseMs = 5, private readonly maxMs = 1_000_000) {}

  when(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2 ** n overflows to Infinity long after the cap; Math.min keeps the cap exact.
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }
  forget(key: K): void { this.failures.delete(key); }
  numRequeues(key: K): number { return this.failures.get(key) ?? 0; }
}

/**
 * Overall token bucket (golang.org/x/time/rate Reserve().Delay()): qps tokens per second,
 * up to burst stored. Bounds the retry rate of the whole queue when many keys fail at once.
 */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  private tokens: number;
  private last: number;
  constructor(private readonly qps = 10, private readonly burst = 100, private readonly clock: Clock = realClock) {
    this.tokens = burst;
    this.last = clock.now();
  }

  when(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    // Reserving a token may drive the balance negative: the debt is paid off over time,
    // which is exactly the delay this caller must wait.
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }
  forget(): void {}
  numRequeues(): number { return 0; }
}

/** The worst (longest) of several limiters; every limiter sees every call. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  private readonly limiters: readonly RateLimiter<K>[];
  constructor(...limiters: RateLimiter<K>[]) { this.limiters = limiters; }

  when(key: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.when(key));
    return max;
  }
  forget(key: K): void { for (const l of this.limiters) l.forget(key); }
  numRequeues(key: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.numRequeues(key));
    return max;
  }
}

/** client-go DefaultControllerRateLimiter: per-key 5 ms → 1000 s, overall 10 qps / 100 burst. */
export function defaultControllerRateLimiter<K>(clock: Clock = realClock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ExponentialFailureRateLimiter<K>(5, 1_000_000),
    new BucketRateLimiter<K>(10, 100, clock),
  );
}
