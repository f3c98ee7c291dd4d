// Pod workers: the agent's loop from "something changed" to syncPod, one pod at a time per key
// (upstream kubelet pod workers + PLEG, on controller-runtime's WorkQueue).
//
// Keys (namespace/name) come from:
// - the agent's pod informer (spec.nodeName=<node>): every add, update and delete;
// - the runtime: watchEvents when it has them, else a relist every relistMs that compares
//   container states (upstream's generic PLEG, 1 s);
// - the prober: a probe result that changed;
// - a kill request (an eviction);
// - start-up housekeeping: sandboxes whose pod is not in the API any more (deleted while the
//   agent was down) are synced once, which removes them; pods that are still there are
//   re-adopted as they run.
// A sync that throws is retried with per-key exponential backoff (5 ms → 10 s); a sync that
// asks to be looked at again (backoff expiry, probe delay) is re-added after that delay.
import { ExponentialFailureRateLimiter, parseRequestKey, sleep, WorkQueue, type Informer } from '../../controller-runtime/index.js';
import type { PodObject, PodSyncContext } from './context.js';
import { syncPod } from './sync.js';

export interface PodWorkerOptions {
  readonly workers: number;
  readonly relistIntervalMs: number;
}

const keyOf = (p: PodObject) => `${p.metadata?.namespace}/${p.metadata?.name}`;

export async function runPodWorkers(ctx: PodSyncContext, pods: Informer<PodObject>, opts: PodWorkerOptions): Promise<void> {
  const { signal, clock, logger, runtime } = ctx;
  const queue = new WorkQueue<string>({ clock, rateLimiter: new ExponentialFailureRateLimiter<string>(5, 10_000) });
  const keysByUid = new Map<string, string>();
  const unsubscribe = pods.onChange((change) => {
    if (change.new?.metadata?.uid) keysByUid.set(change.new.metadata.uid, keyOf(change.new));
    else if (change.old?.metadata?.uid) keysByUid.delete(change.old.metadata.uid);
    const obj = change.new ?? change.old;
    if (obj) queue.add(keyOf(obj));
  });
  // A probe result that changed (readiness, a liveness failure) is a reason to sync at once.
  const unsubscribeProbes = ctx.probes?.subscribe((key) => queue.add(key));
  const unsubscribeKills = ctx.kills?.subscribe((key) => queue.add(key));
  const onAbort = () => queue.shutdown();
  signal.addEventListener('abort', onAbort, { once: true });

  const worker = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const result = await syncPod(ctx, parseRequestKey(key), pods.lister.get(key));
        queue.forget(key);
        if (result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
      } catch (error) {
        if (!signal.aborted) {
          queue.addRateLimited(key);
          logger.error('node agent: pod sync failed; retrying', { pod: key, attempt: queue.numRequeues(key), error });
        }
      } finally {
        queue.done(key);
      }
    }
  };

  try {
    if (!(await pods.waitForSync(signal))) return;
    for (const s of await runtime.listPodSandboxes()) {
      if (!keysByUid.has(s.podUid)) queue.add(`${s.podNamespace}/${s.podName}`);
    }
    const runtimeEvents = watchRuntime(ctx, keysByUid, (k) => queue.add(k), opts.relistIntervalMs);
    await Promise.all([...Array.from({ length: Math.max(1, opts.workers) }, worker), runtimeEvents]);
  } finally {
    unsubscribe();
    unsubscribeProbes?.();
    unsubscribeKills?.();
    signal.removeEventListener('abort', onAbort);
    queue.shutdown();
  }
}

async function watchRuntime(ctx: PodSyncContext, keysByUid: ReadonlyMap<string, string>, enqueue: (key: string) => void,
  relistIntervalMs: number): Promise<void> {
  const { runtime, signal, clock, logger } = ctx;
  const poke = (uid: string) => { const k = keysByUid.get(uid); if (k) enqueue(k); };
  try {
    if (runtime.watchEvents) {
      for await (const e of runtime.watchEvents(signal)) poke(e.podUid);
      return;
    }
    let seen = new Map<string, string>();
    while (await sleep(clock, relistIntervalMs, signal)) {
      const now = new Map<string, string>();
      for (const c of await runtime.listContainers()) {
        now.set(c.id, c.state);
        if (seen.get(c.id) !== c.state) poke(c.podUid);
      }
      seen = now;
    }
  } catch (error) {
    if (!signal.aborted) logger.error('node agent: runtime event stream failed', { error });
  }
}
