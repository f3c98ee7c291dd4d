// Clock: the one place controller-runtime reads time or arms timers, so tests can drive time
// by hand (client-go TypedQueueConfig.Clock) instead of sleeping.
//
// Contract:
// - now() is milliseconds on a monotonic-enough scale; only differences are meaningful.
// - setTimer(fn, ms) runs fn once, no earlier than ms from now, and returns a cancel function.
//   Cancelling twice, or after the timer fired, is harmless.
// - Timers never keep the process alive: a controller that was shut down must not hold the
//   event loop open, and one that was not shut down is kept alive by its sockets, not by us.

export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): () => void;
}

export const realClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  },
};

/**
 * Waits ms on clock. Resolves true when the time passed, false as soon as signal aborts
 * (never rejects: callers check the signal and wind down instead of unwinding an exception).
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => { cancel(); resolve(false); };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A child signal that aborts with its parent or on its own; dispose() drops the link. */
export function childSignal(parent: AbortSignal): { controller: AbortController; dispose(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', onAbort) };
}
