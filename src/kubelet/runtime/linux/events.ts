// Contract: fan-out of RuntimeEvents to every watchEvents() subscriber. The first subscriber
// starts the source (the exit-file watcher); while anyone listens, a sweep runs every
// `intervalMs` for changes no watcher reports. Each subscriber gets every event emitted after
// it subscribed; its iterator ends when its signal aborts or the hub closes.
import type { RuntimeEvent } from '../types.js';

export class EventHub {
  private readonly listeners = new Set<(e: RuntimeEvent | undefined) => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 2000) {}

  emit(e: RuntimeEvent): void {
    for (const l of this.listeners) l(e);
  }

  close(): void {
    for (const l of this.listeners) l(undefined);
    this.listeners.clear();
    this.stopTimer();
  }

  async *subscribe(signal: AbortSignal, start: () => Promise<void>, sweep: () => Promise<RuntimeEvent[]>): AsyncIterable<RuntimeEvent> {
    const pending: RuntimeEvent[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const listener = (e: RuntimeEvent | undefined) => {
      if (e) pending.push(e); else ended = true;
      wake?.();
    };
    const onAbort = () => { ended = true; wake?.(); };
    this.listeners.add(listener);
    signal.addEventListener('abort', onAbort, { once: true });
    await start();
    this.timer ??= setInterval(() => {
      void sweep().then((events) => events.forEach((e) => this.emit(e)), () => undefined);
    }, this.intervalMs);
    this.timer.unref();
    try {
      while (!ended && !signal.aborted) {
        if (pending.length === 0) await new Promise<void>((r) => { wake = r; });
        wake = undefined;
        while (pending.length && !signal.aborted) yield pending.shift()!;
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
      if (this.listeners.size === 0) this.stopTimer();
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
