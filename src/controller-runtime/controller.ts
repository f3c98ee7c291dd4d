// runController: informer changes → keys → work queue → N workers → Reconciler
// (controller-runtime pkg/internal/controller; the outcomes are those of reconcile.ts).
//
// Lifecycle of runController(spec, signal):
// 1. subscribes to every watch's informer: each change maps old and new object through
//    toRequests and adds the keys to the queue (the queue de-duplicates);
// 2. waits until every informer has synced — the informers are run by their owner (an
//    InformerSet); a controller never reconciles against a cache that has not listed yet;
// 3. starts `concurrency` workers (default 1). A worker takes a key, reconciles it, and
//    applies the outcome: forget (+ addAfter on requeueAfterMs), forget on TerminalError,
//    addRateLimited on any other throw. A thrown non-Error value (a "panic") is wrapped in an
//    Error and retried like any failure; nothing a reconciler throws stops the controller;
// 4. when signal aborts: shuts the queue down, waits for in-flight reconciles (they see the
//    aborted signal), unsubscribes from the informers and resolves. A reconcile that fails because of the
//    shutdown is not requeued.
// Metrics go to spec.metrics (queue depth, one call per reconcile with outcome and duration).

import type { KubeObject } from '../core/index.js';
import { realClock, type Clock } from './clock.js';
import type { Informer } from './informer.js';
import { consoleLogger, type Logger } from './log.js';
import { noopMetrics, type ControllerMetrics, type ReconcileOutcome } from './metrics.js';
import type { RateLimiter } from './rate-limiter.js';
import { isTerminalError, parseRequestKey, requestKey, type Reconciler, type Request } from './reconcile.js';
import { WorkQueue } from './workqueue.js';

/** What a controller watches: an informer, and how its objects map to Requests. */
export interface Watch<T extends KubeObject = KubeObject> {
  readonly informer: Informer<T>;
  toRequests(obj: T): readonly Request[];
}

export interface ControllerSpec {
  /** Names the controller in logs and metrics. */
  readonly name: string;
  readonly reconciler: Reconciler;
  readonly watches: readonly Watch[];
  /** Workers reconciling different keys in parallel; default 1. */
  readonly concurrency?: number;
  readonly clock?: Clock;
  /** Default: per-key 5 ms → 1000 s backoff under a 10 qps / 100 burst bucket. */
  readonly rateLimiter?: RateLimiter<string>;
  readonly metrics?: ControllerMetrics;
  readonly logger?: Logger;
}

export async function runController(spec: ControllerSpec, signal: AbortSignal): Promise<void> {
  const { name, reconciler } = spec;
  const clock = spec.clock ?? realClock;
  const metrics = spec.metrics ?? noopMetrics;
  const logger = spec.logger ?? consoleLogger;
  const queue = new WorkQueue<string>({
    clock, rateLimiter: spec.rateLimiter, onDepthChange: (d) => metrics.queueDepth(name, d),
  });

  const unsubscribe = spec.watches.map((w) => w.informer.onChange((change) => {
    // De-duplicate within one change first: old and new usually map to the same key, and a
    // second add of a key a worker already took would make it run twice for one change.
    const keys = new Set<string>();
    for (const obj of [change.old, change.new]) {
      if (obj) for (const r of w.toRequests(obj)) keys.add(requestKey(r));
    }
    for (const k of keys) queue.add(k);
  }));

  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    const synced = await Promise.race([
      Promise.all(spec.watches.map((w) => w.informer.waitForSync(signal))).then((r) => r.every(Boolean)),
      stopped.then(() => false),
    ]);
    if (!synced) return;
    logger.info('controller: caches synced, starting workers', { controller: name, workers: spec.concurrency ?? 1 });

    const reconcileOne = async (key: string): Promise<void> => {
      const request = parseRequestKey(key);
      const start = clock.now();
      let outcome: ReconcileOutcome;
      try {
        const result = (await reconciler.reconcile(request, signal)) ?? {};
        queue.forget(key);
        if (result.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
          queue.addAfter(key, result.requeueAfterMs);
          outcome = 'requeueAfter';
        } else {
          outcome = 'success';
        }
      } catch (thrown) {
        const error = asError(thrown);
        if (isTerminalError(error)) {
          outcome = 'terminal';
          queue.forget(key);
          logger.error('controller: reconcile failed with a terminal error; not retrying', { controller: name, key, error });
        } else {
          outcome = 'error';
          if (!signal.aborted) {
            queue.addRateLimited(key);
            logger.error('controller: reconcile failed; retrying', { controller: name, key, attempt: queue.numRequeues(key), error });
          }
        }
      }
      metrics.reconcile(name, outcome, clock.now() - start);
    };

    const worker = async (): Promise<void> => {
      for (;;) {
        const key = await queue.get();
        if (key === undefined) return;
        try {
          await reconcileOne(key);
        } finally {
          queue.done(key);
        }
      }
    };

    const workers = Array.from({ length: Math.max(1, spec.concurrency ?? 1) }, () => worker());
    await stopped;
    queue.shutdown();
    await Promise.all(workers);
  } finally {
    for (const off of unsubscribe) off();
    queue.shutdown();
  }
}

/** Thrown non-Errors (a string, undefined) become Errors, so they log and chain like any. */
function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  let shown: string;
  try { shown = typeof thrown === 'string' ? thrown : JSON.stringify(thrown) ?? String(thrown); } catch { shown = String(thrown); }
  return new Error(`reconciler threw a non-Error value (panic): ${shown}`);
}
