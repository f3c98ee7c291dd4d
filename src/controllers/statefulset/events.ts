// A small core/v1 Event recorder with client-go's correlation rules, for one component.
//
// Contract:
// - record(obj, type, reason, message) never throws and never waits for the API: events are
//   written in the background, in order, and a failed write is logged and dropped (events are
//   best effort upstream too).
// - Same event again (source, object, type, reason, message): the existing Event's count and
//   lastTimestamp are bumped instead of writing a new one (EventLogger).
// - Ten or more different messages for one (object, type, reason) within 10 minutes turn into one
//   "(combined from similar events): <message>" Event that is counted from then on (EventAggregator).
// - At most 25 Events per object in a burst, then one per 5 minutes (EventSourceObjectSpamFilter).
//   So a 1,000-pod set writes a handful of Events, not 2,000.
// - flush() resolves once every event recorded so far has been written or dropped.
import type { Event } from 'kubernetes-types/core/v1.js';
import { Events, isNotFound, type KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { Logger } from '../../controller-runtime/index.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  record(obj: KubeObject, type: EventType, reason: string, message: string): void;
  flush(): Promise<void>;
}

const AGGREGATE_AFTER = 10;
const AGGREGATE_WINDOW_MS = 10 * 60_000;
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 300_000;
const MAX_KEYS = 4096;

interface Seen { name: string; count: number; first: string }

/** Drops absent fields: an in-process request carries `undefined`, which the API rejects as a value. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A Map that forgets its oldest entries past MAX_KEYS (client-go keeps LRU caches). */
function remember<K, V>(m: Map<K, V>, k: K, v: V): void {
  m.delete(k);
  m.set(k, v);
  if (m.size > MAX_KEYS) m.delete(m.keys().next().value as K);
}

export function createEventRecorder(client: ApiClient, component: string, logger: Logger, now: () => number = Date.now): EventRecorder {
  const seen = new Map<string, Seen>();
  const similar = new Map<string, { messages: Set<string>; last: number }>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  let chain: Promise<void> = Promise.resolve();
  let sequence = 0;

  const allow = (objKey: string, t: number): boolean => {
    const b = buckets.get(objKey) ?? { tokens: SPAM_BURST, at: t };
    b.tokens = Math.min(SPAM_BURST, b.tokens + (t - b.at) / SPAM_REFILL_MS);
    b.at = t;
    remember(buckets, objKey, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };

  async function write(ev: Event, repeat: boolean): Promise<void> {
    const ns = ev.metadata!.namespace;
    if (repeat) {
      try {
        await client.patch(Events, { namespace: ns, name: ev.metadata!.name! }, 'merge',
          { count: ev.count, lastTimestamp: ev.lastTimestamp, message: ev.message });
        return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
        // The first write failed, or the event expired: write it afresh under its name.
      }
    }
    await client.create(Events, ev as unknown as KubeObject);
  }

  return {
    record(obj, type, reason, message) {
      const t = now();
      const meta = obj.metadata ?? {};
      const objKey = [component, obj.kind, meta.namespace, meta.name, meta.uid, obj.apiVersion].join('\u0000');
      const groupKey = [objKey, type, reason].join('\u0000');
      const group = similar.get(groupKey);
      const messages = group && group.last + AGGREGATE_WINDOW_MS >= t ? group.messages : new Set<string>();
      messages.add(message);
      remember(similar, groupKey, { messages, last: t });
      let key = [groupKey, message].join('\u0000');
      if (messages.size >= AGGREGATE_AFTER) {
        messages.delete(messages.values().next().value as string);
        key = groupKey;
        message = `(combined from similar events): ${message}`;
      }
      const stamp = new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
      const previous = seen.get(key);
      const nanos = BigInt(t) * 1_000_000n + BigInt(sequence++ % 1_000_000);
      const entry: Seen = previous
        ? { ...previous, count: previous.count + 1 }
        : { name: `${meta.name}.${nanos.toString(16)}`, count: 1, first: stamp };
      // Known at once, so a repeat recorded before the first write finished still counts on it.
      remember(seen, key, entry);
      if (!allow(objKey, t)) return;
      const ev: Event = {
        apiVersion: 'v1', kind: 'Event',
        metadata: { name: entry.name, namespace: meta.namespace || 'default' },
        involvedObject: defined({
          apiVersion: obj.apiVersion, kind: obj.kind, name: meta.name, namespace: meta.namespace,
          uid: meta.uid, resourceVersion: meta.resourceVersion,
        }),
        reason, message, type, count: entry.count,
        firstTimestamp: entry.first, lastTimestamp: stamp,
        source: { component }, reportingComponent: component, reportingInstance: '',
      };
      chain = chain.then(() => write(ev, !!previous)).catch((error) => {
        logger.error('event recorder: could not write an event', { component, reason, error });
      });
    },
    flush: () => chain,
  };
}
