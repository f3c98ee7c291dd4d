// WorkQueue: the queue between informer handlers and reconcile workers (client-go
// util/workqueue: queue.go + delaying_queue.go + rate_limiting_queue.go in one type).
//
// Guarantees:
// - Fair: keys are handed out in the order they were added (FIFO).
// - Stingy: a key added several times before a worker picks it up is processed once.
// - One worker per key: a key is never handed out again until done(key) was called for it.
//   A key added while it is being processed is remembered (dirty) and queued again by done(),
//   so the latest state is always seen by a later run and never by two runs at once.
// - Delayed adds: addAfter(key, ms) adds the key once ms passed. A key already waiting keeps
//   the earlier of its two deadlines; keys with equal deadlines come out in call order.
// - Retries: addRateLimited(key) is addAfter(key, rateLimiter.when(key)); forget(key) ends the
//   key's backoff once it succeeded; numRequeues(key) counts failures since then.
// - Shutdown: shutdown() makes every pending and later get() resolve undefined, drops queued
//   and delayed keys, and ignores later adds. Keys being processed may still call done().
//
// Keys are primitives compared by value (Map/Set semantics).
// Time comes from an injectable Clock; timers are unref'd and cancelled on shutdown.

import { realClock, type Clock } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions<K extends QueueKey> {
  readonly clock?: Clock;
  /** Default: client-go's default controller rate limiter on the same clock. */
  readonly rateLimiter?: RateLimiter<K>;
  /** Called with len() whenever it changes (a queue-depth gauge). */
  readonly onDepthChange?: (depth: number) => void;
}

/** FIFO with O(1) push and shift (an array shifted from the front is O(n) per shift). */
class Fifo<K> {
  private items: K[] = [];
  private head = 0;
  get length(): number { return this.items.length - this.head; }
  push(k: K): void { this.items.push(k); }
  shift(): K | undefined {
    if (this.head >= this.items.length) return undefined;
    const k = this.items[this.head++];
    // Compact once the consumed prefix dominates, keeping memory proportional to length.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return k;
  }
  clear(): void { this.items = []; this.head = 0; }
}

/** Keys are compared by value, so they must be primitives (a Request becomes `ns/name`). */
export type QueueKey = string | number;

type Waiter<K> = (key: K | undefined) => void;

export class WorkQueue<K extends QueueKey = string> {
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;
  private readonly onDepthChange?: (depth: number) => void;
  private readonly queue = new Fifo<K>();
  /** Keys that need processing: queued, or re-added while processing. */
  private readonly dirty = new Set<K>();
  /** Keys handed to a worker and not yet done. */
  private readonly processing = new Set<K>();
  /** Workers blocked in get(); non-empty only while the queue is empty. */
  private readonly waiters: Waiter<K>[] = [];
  /** Keys waiting for addAfter: their deadline and the cancel of their timer. */
  private readonly delayed = new Map<K, { readyAt: number; cancel: () => void }>();
  private stopped = false;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
    this.onDepthChange = opts.onDepthChange;
  }

  add(key: K): void {
    if (this.stopped || this.dirty.has(key)) return;
    this.dirty.add(key);
    // A key in flight is queued again by done(), never handed to a second worker.
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  addAfter(key: K, delayMs: number): void {
    if (this.stopped) return;
    if (delayMs <= 0) { this.add(key); return; }
    const readyAt = this.clock.now() + delayMs;
    const waiting = this.delayed.get(key);
    if (waiting) {
      if (waiting.readyAt <= readyAt) return;
      waiting.cancel();
    }
    const cancel = this.clock.setTimer(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { readyAt, cancel });
  }

  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  forget(key: K): void { this.rateLimiter.forget(key); }

  numRequeues(key: K): number { return this.rateLimiter.numRequeues(key); }

  /** The next key to process, or undefined once shut down (or when signal aborts). */
  get(signal?: AbortSignal): Promise<K | undefined> {
    if (this.stopped || signal?.aborted) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.depthChanged();
      return Promise.resolve(this.start(key));
    }
    return new Promise((resolve) => {
      const waiter: Waiter<K> = (k) => { signal?.removeEventListener('abort', onAbort); resolve(k); };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Marks key finished; if it was added meanwhile, it goes to the back of the queue. */
  done(key: K): void {
    this.processing.delete(key);
    if (!this.stopped && this.dirty.has(key)) this.enqueue(key);
  }

  shutdown(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const { cancel } of this.delayed.values()) cancel();
    this.delayed.clear();
    const hadItems = this.queue.length > 0;
    this.queue.clear();
    this.dirty.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
    if (hadItems) this.depthChanged();
  }

  isShutdown(): boolean { return this.stopped; }

  /** Keys ready to be handed out (not the delayed ones, not the ones in flight). */
  len(): number { return this.queue.length; }

  /** Keys currently held by workers. */
  inFlight(): number { return this.processing.size; }

  private enqueue(key: K): void {
    const waiter = this.waiters.shift();
    if (waiter) { waiter(this.start(key)); return; }
    this.queue.push(key);
    this.depthChanged();
  }

  private start(key: K): K {
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private depthChanged(): void { this.onDepthChange?.(this.queue.length); }
}
