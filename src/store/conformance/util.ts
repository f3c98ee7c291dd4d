// Helpers for the conformance suite: byte helpers, error matchers, a watch reader that never
// hangs a test.
import assert from 'node:assert/strict';
import { isStoreError, type KeyValue, type Store, type StoreErrorCode, type StoreEvent } from '../types.js';

export type StoreFactory = () => Promise<Store>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const enc = (s: string): Uint8Array => encoder.encode(s);
export const dec = (b: Uint8Array): string => decoder.decode(b);

/** Runs `fn` against a fresh store and always closes it. */
export const withStore = (factory: StoreFactory, fn: (s: Store) => Promise<void>) => async (): Promise<void> => {
  const s = await factory();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
};

export async function rejectsWith(p: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isStoreError(e, code), `expected StoreError(${code}), got ${String(e)}`);
    return true;
  });
}

export const revOf = (e: StoreEvent): number => (e.type === 'put' ? e.kv.modRevision : e.revision);
export const keyOf = (e: StoreEvent): string => (e.type === 'put' ? e.kv.key : e.key);

/** Plain, comparable form of a key-value (bytes as text). */
export const plain = (kv: KeyValue | undefined) =>
  kv && { key: kv.key, value: dec(kv.value), createRevision: kv.createRevision, modRevision: kv.modRevision };

/** Sorts keys by their UTF-8 bytes, the order every backend must list in. */
export const byteSorted = (keys: readonly string[]): string[] =>
  [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** Reads a watch with a timeout per event, so a missing event fails the test instead of hanging it. */
export class WatchReader {
  readonly controller = new AbortController();
  readonly events: StoreEvent[] = [];
  readonly #it: AsyncIterator<StoreEvent>;
  #pending: Promise<IteratorResult<StoreEvent>> | undefined; // kept across a timeout: no event is dropped

  constructor(store: Store, prefix: string, after: number) {
    this.#it = store.watch(prefix, after, this.controller.signal)[Symbol.asyncIterator]();
  }

  /** The next event, `done` when the watch ended; rejects with the watch's error or on timeout. */
  async next(timeoutMs = 2000): Promise<StoreEvent | 'done'> {
    const timedOut = new Error(`no watch event within ${timeoutMs} ms after ${this.events.length} events`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(timedOut), timeoutMs); });
    // A next() that timed out stays pending and is awaited again by the following call, so a
    // late event is not dropped.
    const pending = (this.#pending ??= this.#it.next());
    try {
      const r = await Promise.race([pending, timeout]);
      this.#pending = undefined;
      if (r.done) return 'done';
      this.events.push(r.value);
      return r.value;
    } catch (e) {
      if (e !== timedOut) this.#pending = undefined;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  async take(n: number, timeoutMs?: number): Promise<StoreEvent[]> {
    const out: StoreEvent[] = [];
    while (out.length < n) {
      const ev = await this.next(timeoutMs);
      if (ev === 'done') throw new Error(`watch ended after ${out.length} of ${n} events`);
      out.push(ev);
    }
    return out;
  }

  /** Reads until an event for `key` arrives; returns everything read, that event included. */
  async until(key: string, timeoutMs?: number): Promise<StoreEvent[]> {
    const out: StoreEvent[] = [];
    for (;;) {
      const ev = await this.next(timeoutMs);
      if (ev === 'done') throw new Error(`watch ended before an event for ${key}`);
      out.push(ev);
      if (keyOf(ev) === key) return out;
    }
  }

  /** Asserts no event is pending right now (the watch has delivered everything it should). */
  async assertQuiet(ms = 30): Promise<void> {
    const ev = await this.next(ms).catch(() => undefined);
    assert.equal(ev, undefined, `unexpected extra event ${JSON.stringify(ev)}`);
  }

  stop(): void { this.controller.abort(); }
}
