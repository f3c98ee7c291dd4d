// Watch over a revision log, event-driven inside the process (no polling).
//
// A watch is in one of two modes:
// - catch-up: it reads its events from the log in revision batches. When a read reaches the
//   current revision it joins the hub in that same synchronous step, so no write can slip in
//   between "read history" and "subscribe" (better-sqlite3 is synchronous; writes publish
//   synchronously after their commit).
// - live: the writer pushes matching events into the watch's queue.
//
// Slow consumers (policy): the live queue is bounded (`queueLimit` events). On overflow the
// writer drops that watch's queue and the watch goes back to catch-up from the last revision
// it delivered, so the log itself is the buffer and the writer never holds more than
// `queueLimit` events per watch. If compaction passes the watch's position meanwhile, the watch
// ends with StoreError('Compacted') (the API turns that into 410 Gone, and the client re-lists).
// Events are therefore delivered in revision order, none lost, none twice, or the watch fails.
// Before it gets that far, writers give way: while a live watch holds half its queue limit,
// each write first waits a turn of the event loop, which lets in-process consumers drain.
//
// Catch-up reads the recent past from memory when it can (RecentEvents: the last few hundred
// committed events, the very objects live watches were handed), and only older history from
// the log: a watch that fell behind in a burst costs no SQL, and shares whatever was decoded
// for the live watches of the same events (the API server decodes per event object).
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { StoreError, type StoreEvent } from '../types.js';

/** What a watch needs from the store that owns the log. */
export interface LogSource {
  readonly revision: number;
  readonly compacted: number;
  readonly closed: boolean;
  /** Events for keys in [prefix, end) with after < revision <= upTo, in revision order. */
  readEvents(prefix: string, end: string | undefined, after: number, upTo: number): StoreEvent[];
  /** The same for keys under prefix from memory, or undefined when memory does not hold all of (after, upTo]. */
  recentEvents(prefix: string, after: number, upTo: number): StoreEvent[] | undefined;
}

export const eventRevision = (e: StoreEvent): number => (e.type === 'put' ? e.kv.modRevision : e.revision);

/** Live watches of one store. `publish` runs synchronously right after each commit. */
export class WatchHub {
  readonly #live = new Set<LogWatch>();
  get size(): number { return this.#live.size; }
  /** The most undelivered events any live watch holds. */
  get backlog(): number {
    let most = 0;
    for (const w of this.#live) if (w.queued > most) most = w.queued;
    return most;
  }
  attach(w: LogWatch): void { this.#live.add(w); }
  detach(w: LogWatch): void { this.#live.delete(w); }
  publish(ev: StoreEvent, key: string, revision: number): void {
    for (const w of this.#live) w.offer(ev, key, revision);
  }
  failAll(err: Error): void {
    for (const w of [...this.#live]) w.fail(err);
  }
}

/**
 * The most recent committed events in revision order (one event per revision, so the entry of
 * revision r sits at r - first), bounded by count and by the bytes of the values they hold.
 */
export class RecentEvents {
  readonly #ring: (StoreEvent | undefined)[];
  readonly #sizes: Float64Array;
  #head = 0; // ring index of the oldest entry
  #count = 0;
  #first = 0; // revision of the oldest entry
  #bytes = 0;

  constructor(private readonly maxEvents: number, private readonly maxBytes: number) {
    this.#ring = new Array<StoreEvent | undefined>(Math.max(0, maxEvents));
    this.#sizes = new Float64Array(Math.max(0, maxEvents));
  }

  push(ev: StoreEvent, revision: number): void {
    if (this.maxEvents <= 0) return;
    if (this.#count && revision !== this.#first + this.#count) this.clear(); // never a gap
    const size = (ev.type === 'put' ? ev.kv.value.byteLength : 0) + (ev.prev?.value.byteLength ?? 0);
    while (this.#count && (this.#count >= this.maxEvents || this.#bytes + size > this.maxBytes)) this.#dropOldest();
    const i = (this.#head + this.#count) % this.maxEvents;
    if (!this.#count) this.#first = revision;
    this.#ring[i] = ev;
    this.#sizes[i] = size;
    this.#bytes += size;
    this.#count++;
  }

  read(prefix: string, after: number, upTo: number): StoreEvent[] | undefined {
    if (!this.#count || after + 1 < this.#first || upTo > this.#first + this.#count - 1) return undefined;
    const out: StoreEvent[] = [];
    for (let rev = after + 1; rev <= upTo; rev++) {
      const ev = this.#ring[(this.#head + rev - this.#first) % this.maxEvents]!;
      if ((ev.type === 'put' ? ev.kv.key : ev.key).startsWith(prefix)) out.push(ev);
    }
    return out;
  }

  clear(): void {
    this.#ring.fill(undefined);
    this.#head = this.#count = this.#bytes = 0;
  }

  #dropOldest(): void {
    this.#ring[this.#head] = undefined;
    this.#bytes -= this.#sizes[this.#head];
    this.#head = (this.#head + 1) % this.maxEvents;
    this.#first++;
    this.#count--;
  }
}

export interface LogWatchOptions {
  readonly queueLimit: number;
}

export class LogWatch implements AsyncIterableIterator<StoreEvent> {
  readonly #queue: StoreEvent[] = [];
  readonly #batch: number;
  #pos: number; // every matching event with revision <= #pos is delivered or queued
  #delivered: number; // revision of the last event handed out (or the start)
  readonly #floor: number; // events at or below the start are never delivered
  #live = false;
  #ended = false;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  readonly #onAbort = (): void => this.#end();

  constructor(
    private readonly src: LogSource,
    private readonly hub: WatchHub,
    private readonly prefix: string,
    private readonly end: string | undefined,
    after: number,
    private readonly signal: AbortSignal,
    private readonly opts: LogWatchOptions,
  ) {
    this.#pos = this.#delivered = this.#floor = after;
    // Catch-up batches stay below the queue limit so a fresh live watch has room to spare.
    this.#batch = Math.max(1, Math.min(512, Math.floor(opts.queueLimit / 2)));
    if (!Number.isSafeInteger(after) || after < 0) this.#failure = new RangeError(`invalid watch revision ${after}`);
    if (signal.aborted) this.#ended = true;
    else signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this { return this; }

  /** Events waiting for the consumer. */
  get queued(): number { return this.#queue.length; }

  /** Calls are serialized, so overlapping next() calls still see events in order. */
  next(): Promise<IteratorResult<StoreEvent>> {
    const p = this.#chain.then(() => this.#step());
    this.#chain = p.then(noop, noop);
    return p;
  }

  async return(): Promise<IteratorResult<StoreEvent>> {
    this.#end();
    return { done: true, value: undefined };
  }

  async throw(err?: unknown): Promise<IteratorResult<StoreEvent>> {
    this.#end();
    throw err;
  }

  /** Called by the hub for every committed event while this watch is live. */
  offer(ev: StoreEvent, key: string, revision: number): void {
    if (revision <= this.#floor || !key.startsWith(this.prefix)) return;
    if (this.#queue.length >= this.opts.queueLimit) {
      // Overflow: stop buffering, re-read from the log later (see the policy above).
      this.hub.detach(this);
      this.#live = false;
      this.#queue.length = 0;
      this.#pos = this.#delivered;
    } else {
      this.#queue.push(ev);
    }
    this.#wakeUp();
  }

  /** Ends the watch with an error (store closed); queued events are discarded. */
  fail(err: Error): void {
    if (this.#ended || this.#failure) return;
    this.#failure = err;
    this.hub.detach(this);
    this.#queue.length = 0;
    this.#wakeUp();
  }

  async #step(): Promise<IteratorResult<StoreEvent>> {
    for (;;) {
      if (this.#ended) return { done: true, value: undefined };
      if (this.#failure) {
        const err = this.#failure;
        this.#end();
        throw err;
      }
      const ev = this.#queue.shift();
      if (ev) {
        this.#delivered = eventRevision(ev);
        return { done: false, value: ev };
      }
      if (!this.#live) {
        try {
          this.#catchUp();
        } catch (e) {
          this.#end();
          throw e;
        }
        // Nothing matched in that batch: let other work run before reading the next one.
        if (this.#queue.length === 0 && !this.#live) await yieldToLoop();
        continue;
      }
      await new Promise<void>((resolve) => { this.#wake = resolve; });
    }
  }

  /** Reads one batch of history; joins the hub in the same tick once it reaches the present. */
  #catchUp(): void {
    const { src } = this;
    if (src.closed) throw new StoreError('Closed', 'store is closed');
    if (this.#pos < src.compacted) {
      throw new StoreError(
        'Compacted',
        `watch from revision ${this.#pos}: history up to revision ${src.compacted} has been compacted`,
        src.revision,
        src.compacted,
      );
    }
    const current = src.revision;
    const upTo = Math.min(current, this.#pos + this.#batch);
    if (upTo > this.#pos) {
      const events = src.recentEvents(this.prefix, this.#pos, upTo) ?? src.readEvents(this.prefix, this.end, this.#pos, upTo);
      for (const ev of events) {
        if (eventRevision(ev) > this.#floor) this.#queue.push(ev);
      }
      this.#pos = upTo;
    }
    if (this.#pos >= current) {
      this.#live = true;
      this.hub.attach(this);
    }
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#live = false;
    this.hub.detach(this);
    this.#queue.length = 0;
    this.signal.removeEventListener('abort', this.#onAbort);
    this.#wakeUp();
  }
}

function noop(): void {}
