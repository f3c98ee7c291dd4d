// Helpers for tests that watch asynchronous work settle.

/** Resolves once cond() holds; fails the test after timeoutMs of real time. */
export async function waitFor(cond: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((r) => setTimeout(r, 1));
  }
}

/** Runs an async iterable in the background, collecting what it yields. */
export function collect<E>(it: AsyncIterable<E>): { events: E[]; done: Promise<void> } {
  const events: E[] = [];
  const done = (async () => { for await (const e of it) events.push(e); })();
  return { events, done };
}
