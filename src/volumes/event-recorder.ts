// A core/v1 Event recorder with client-go's correlation (tools/record events_cache.go), so that
// `kubectl describe` shows "(x4 over 2m)" instead of a wall of copies:
// - one Event per (source, object, type, reason, message); a repeat PATCHes count and
//   lastTimestamp of the Event already written;
// - more than 10 distinct messages for one (source, object, type, reason) within 10 minutes
//   collapse into one "(combined from similar events): <latest>" Event;
// - a token bucket per (source, object) — burst 25, then one per 5 minutes — drops the rest
//   (counts still advance, so the next write carries the true total).
// Writes happen in order, in the background; a write that fails is dropped (events are
// best-effort). recorder.event() never throws and never blocks the reconcile that calls it.
// Shared by the storage controllers; meant to move to controller-runtime (see the report).
import { apiVersionOf, Events, isNotFound, type KubeObject, type ResourceType } from '../core/index.js';
import type { Writer } from '../client/index.js';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  readonly component: string;
  readonly host?: string;
}

export interface EventRecorder {
  event(type: ResourceType, obj: KubeObject, eventType: EventType, reason: string, message: string): void;
  /** Resolves once every event recorded so far has been written or dropped. */
  flush(): Promise<void>;
}

export interface EventRecorderOptions {
  readonly now?: () => Date;
}

interface ObjectRef {
  kind: string; apiVersion: string; name: string; namespace?: string; uid?: string; resourceVersion?: string;
}

interface CoreEvent extends KubeObject {
  involvedObject: ObjectRef;
  reason: string; message: string; type: EventType;
  count: number; firstTimestamp: string; lastTimestamp: string;
  source: EventSource; reportingComponent: string; reportingInstance: string;
}

const LRU_SIZE = 4096;
const AGGREGATE_MAX = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
const SPAM_BURST = 25;
const SPAM_QPS = 1 / 300;

/** A Map that forgets its least recently used entries beyond `size`. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) { this.map.delete(k); this.map.set(k, v); }
    return v;
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value!);
  }
}

const metaTime = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');

// Shared by every recorder of the process: two recorders writing about one object in the same
// millisecond (volume_expand and a resizer do) must not pick the same Event name.
let seq = 0;

export function createEventRecorder(client: Writer, source: EventSource, opts: EventRecorderOptions = {}): EventRecorder {
  const now = opts.now ?? (() => new Date());
  const aggregates = new Lru<{ messages: Set<string>; last: number }>(LRU_SIZE);
  const observed = new Lru<{ count: number; first: string; name: string }>(LRU_SIZE);
  const buckets = new Lru<{ tokens: number; at: number }>(LRU_SIZE);
  let chain: Promise<void> = Promise.resolve();

  const objectKey = (r: ObjectRef) => [source.component, source.host ?? '', r.kind, r.namespace ?? '', r.name, r.uid ?? '', r.apiVersion].join('\u0000');

  const allowed = (key: string, at: number): boolean => {
    const b = buckets.get(key) ?? { tokens: SPAM_BURST, at };
    b.tokens = Math.min(SPAM_BURST, b.tokens + ((at - b.at) / 1000) * SPAM_QPS);
    b.at = at;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    buckets.set(key, b);
    return ok;
  };

  const write = async (ev: CoreEvent, update: boolean, dedupeKey: string): Promise<void> => {
    let saved: KubeObject | undefined;
    try {
      if (update) {
        try {
          saved = await client.patch(Events, { namespace: ev.metadata!.namespace, name: ev.metadata!.name! }, 'merge',
            { count: ev.count, lastTimestamp: ev.lastTimestamp, message: ev.message });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      saved ??= await client.create(Events, ev);
    } catch {
      return; // best-effort, like upstream after its retries
    }
    const seen = observed.get(dedupeKey);
    if (seen && saved.metadata?.name) seen.name = saved.metadata.name;
  };

  return {
    event(type, obj, eventType, reason, message) {
      const at = now();
      const ms = at.getTime();
      // Absent fields stay absent: the API decodes `undefined` as a value, and refuses it.
      const ref: ObjectRef = {
        kind: type.kind, apiVersion: apiVersionOf(type), name: obj.metadata?.name ?? '',
        ...(type.namespaced ? { namespace: obj.metadata?.namespace ?? '' } : {}),
        ...(obj.metadata?.uid ? { uid: obj.metadata.uid } : {}),
        ...(obj.metadata?.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
      };
      const objKey = objectKey(ref);

      // Aggregation: many distinct messages of one reason become one combined event.
      const aggKey = [objKey, eventType, reason, source.component, source.host ?? ''].join('\u0000');
      let agg = aggregates.get(aggKey);
      if (!agg || ms - agg.last > AGGREGATE_INTERVAL_MS) agg = { messages: new Set(), last: ms };
      agg.messages.add(message);
      agg.last = ms;
      aggregates.set(aggKey, agg);
      let shown = message;
      let dedupeKey = [objKey, eventType, reason, message].join('\u0000');
      if (agg.messages.size >= AGGREGATE_MAX) {
        shown = `(combined from similar events): ${message}`;
        dedupeKey = aggKey;
      }

      // Observation: a repeat reuses the first Event's name and counts up.
      const nanos = BigInt(ms) * 1_000_000n + BigInt(seq++ % 1_000_000);
      const seen = observed.get(dedupeKey);
      const count = (seen?.count ?? 0) + 1;
      const stamp = metaTime(at);
      const name = seen?.name ?? `${ref.name}.${nanos.toString(16)}`;
      const first = seen?.first ?? stamp;
      observed.set(dedupeKey, { count, first, name });
      if (!allowed(objKey, ms)) return;

      const ev: CoreEvent = {
        apiVersion: 'v1', kind: 'Event',
        metadata: { name, namespace: ref.namespace || 'default' },
        involvedObject: ref, reason, message: shown, type: eventType,
        count, firstTimestamp: first, lastTimestamp: stamp,
        source: source.host ? { component: source.component, host: source.host } : { component: source.component },
        reportingComponent: source.component, reportingInstance: source.host ?? '',
      };
      chain = chain.then(() => write(ev, count > 1, dedupeKey));
    },
    flush: () => chain,
  };
}
