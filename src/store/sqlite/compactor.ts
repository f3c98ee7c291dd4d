// Compaction of the revision log, in small transactions so it never starves the writer.
//
// Compacting at C keeps, for every key, its latest version <= C and drops older versions and
// tombstones <= C. Walking the log rows in (done, C] finds exactly what to drop: each row
// supersedes the row its `prev_rev` points at, and a tombstone also drops itself. Rows above C
// are never touched, so list-at-revision and watch stay correct for every revision >= C even
// while a compaction is half done (the in-memory `compacted` mark moves first, so readers are
// refused before any row they would need disappears).
//
// Progress (`compact_done`) is committed with each batch; after a crash, opening the store
// resumes the walk.
//
// Compaction never writes inside the store's open write batch (group commit, see store.ts):
// `settle` commits that batch first, so each compaction step is a transaction of its own and
// a failed write batch cannot take compaction progress with it, nor the reverse.
import type Database from 'better-sqlite3';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

export class Compactor {
  #compacted: number;
  #done: number;
  #running: Promise<void> | undefined;
  readonly #setMeta: Database.Statement<[string, number]>;
  readonly #batchTx: (lo: number, hi: number) => void;

  constructor(
    private readonly db: Database.Database,
    compacted: number,
    done: number,
    private readonly batchSize: number,
    private readonly isClosed: () => boolean,
    /** Commits the store's open write batch, if any; throws if that fails (the store is then closed). */
    private readonly settle: () => void,
  ) {
    this.#compacted = compacted;
    this.#done = done;
    this.#setMeta = db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    const dropSuperseded = db.prepare<[number, number]>(
      'DELETE FROM log WHERE rev IN (SELECT prev_rev FROM log WHERE rev > ? AND rev <= ? AND prev_rev > 0)');
    const dropTombstones = db.prepare<[number, number]>('DELETE FROM log WHERE rev > ? AND rev <= ? AND deleted = 1');
    this.#batchTx = db.transaction((lo: number, hi: number) => {
      dropSuperseded.run(lo, hi); // before the tombstones go: their prev_rev must still be read
      dropTombstones.run(lo, hi);
      this.#setMeta.run('compact_done', hi);
    });
  }

  /** The oldest revision readers may still ask for. */
  get compacted(): number { return this.#compacted; }

  /** True while history at or below `compacted` is still being cleaned. */
  get pending(): boolean { return this.#done < this.#compacted; }

  /**
   * Marks history at or below `revision` as gone (readers are refused at once) and cleans it
   * up in batches; resolves when the cleanup has reached `revision` (or the store closed).
   */
  compact(revision: number): Promise<void> {
    if (revision > this.#compacted) {
      try {
        this.settle();
        this.#setMeta.run('compacted', revision);
      } catch (e) {
        return Promise.reject(e); // callers chain .catch; a throw here would escape the timer
      }
      this.#compacted = revision;
    }
    if (!this.pending) return this.#running ?? Promise.resolve();
    return (this.#running ??= this.#run());
  }

  async #run(): Promise<void> {
    try {
      for (;;) {
        await yieldToLoop(); // first, so #running is set before this can finish
        if (this.isClosed() || this.#done >= this.#compacted) return;
        this.settle();
        const hi = Math.min(this.#compacted, this.#done + this.batchSize);
        this.#batchTx(this.#done, hi);
        this.#done = hi;
      }
    } finally {
      this.#running = undefined;
    }
  }
}

/**
 * Automatic compaction target: keep the last `retainRevisions` revisions and everything
 * younger than `retainMs` (whichever keeps more). Revision times are sampled at every tick,
 * so the time window is as precise as the tick interval.
 */
export class RetentionPolicy {
  readonly #samples: Array<[time: number, revision: number]> = [];

  constructor(private readonly retainRevisions: number, private readonly retainMs: number) {}

  /** Records `revision` as current at `now` and returns the revision compaction may reach. */
  target(now: number, revision: number): number {
    const byCount = revision - this.retainRevisions;
    if (this.retainMs <= 0) return Math.max(0, byCount);
    this.#samples.push([now, revision]);
    // The newest sample old enough is the time bound; older samples are no longer needed.
    let i = -1;
    while (i + 1 < this.#samples.length && this.#samples[i + 1][0] <= now - this.retainMs) i++;
    if (i < 0) return 0;
    const byTime = this.#samples[i][1];
    this.#samples.splice(0, i);
    return Math.max(0, Math.min(byCount, byTime));
  }
}
