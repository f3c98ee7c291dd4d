// The one core/v1 Event recorder of the project: client-go's tools/record EventRecorder with its
// EventCorrelator (events_cache.go), so `kubectl describe` reads as it does upstream.
//
// Contract:
// - event() never throws and never waits for the API. Writes happen in the background, in the
//   order recorded; one that fails is dropped (events are best effort upstream too), errors are
//   logged once per run of failures, events for objects in terminating namespaces are dropped
//   quietly (client-go logs those at V(5) only).
// - flush() resolves once every event recorded so far has been written or dropped.
// - Names are `<involvedObject.name>.<nanoseconds in hex>`, unique within the process even when
//   several recorders write about one object in the same millisecond.
// Correlation, per recorder, with client-go's defaults (LRU caches of 4096 keys):
// - the same event again (source, object incl. fieldPath, type, reason, message) PATCHes count,
//   lastTimestamp and message of the Event already written (EventLogger) — "(x3 over 10s)";
// - from the 10th distinct message of one (source, object, type, reason) within 10 minutes on,
//   one "(combined from similar events): <latest>" Event is counted instead (EventAggregator);
// - a token bucket per (source, object), burst 25 then one per 5 minutes, drops the rest
//   (EventSourceObjectSpamFilter); counts still advance, so the next write carries the total.
import type { Event, ObjectReference } from 'kubernetes-types/core/v1.js';
import { LRUCache } from 'lru-cache';
import { apiVersionOf, Events, isAlreadyExists, isApiError, isNotFound, type KubeObject, type ResourceType } from '../core/index.js';
import type { Writer } from '../client/index.js';
import { silentLogger, type Logger } from './log.js';

export type EventType = 'Normal' | 'Warning';

/** Who reports: `component` (e.g. kubelet, default-scheduler) and, for node agents, `host`. */
export interface EventSource {
  readonly component: string;
  readonly host?: string;
}

export interface EventRecorder {
  /**
   * Records an event about obj, whose kind and apiVersion name it (see withTypeMeta);
   * fieldPath names a part of it, e.g. `spec.containers{app}`.
   */
  event(obj: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): void;
  /** Resolves once every event recorded so far has been written or dropped. */
  flush(): Promise<void>;
}

export interface EventRecorderOptions {
  /** Where write failures go; default silent. */
  readonly logger?: Logger;
  /** Milliseconds since the epoch (fractions give the name sub-millisecond digits); default Date.now. */
  readonly now?: () => number;
}

const LRU_SIZE = 4096;
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 300_000;

/** obj with kind and apiVersion of type, for objects from caches or callers that lack them. */
export function withTypeMeta(type: ResourceType, obj: KubeObject): KubeObject {
  const apiVersion = apiVersionOf(type);
  return obj.kind === type.kind && obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion, kind: type.kind };
}

// Process-wide, so two recorders (or one recorder twice) in the same millisecond never pick one name.
let lastNanos = 0n;
function uniqueNanos(ms: number): bigint {
  const whole = Math.floor(ms);
  let n = BigInt(whole) * 1_000_000n + BigInt(Math.floor((ms - whole) * 1_000_000));
  if (n <= lastNanos) n = lastNanos + 1n;
  lastNanos = n;
  return n;
}

const metaTime = (ms: number): string => new Date(Math.floor(ms)).toISOString().replace(/\.\d+Z$/, 'Z');

const isNamespaceTerminating = (e: unknown): boolean =>
  isApiError(e) && (e.details.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');

/** Absent fields stay absent: the API decodes `undefined` as a value, and refuses it. */
function reference(obj: KubeObject, fieldPath: string | undefined): ObjectReference {
  const m = obj.metadata ?? {};
  const ref: ObjectReference = {};
  if (obj.kind) ref.kind = obj.kind;
  if (m.namespace) ref.namespace = m.namespace;
  ref.name = m.name ?? '';
  if (m.uid) ref.uid = m.uid;
  if (obj.apiVersion) ref.apiVersion = obj.apiVersion;
  if (m.resourceVersion) ref.resourceVersion = m.resourceVersion;
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

export function createEventRecorder(client: Writer, source: EventSource, opts: EventRecorderOptions = {}): EventRecorder {
  const now = opts.now ?? Date.now;
  const logger = opts.logger ?? silentLogger;
  const host = source.host ?? '';
  const eventSource = host ? { component: source.component, host } : { component: source.component };
  const aggregates = new LRUCache<string, { messages: Set<string>; last: number }>({ max: LRU_SIZE });
  const observed = new LRUCache<string, { count: number; first: string; name: string }>({ max: LRU_SIZE });
  const buckets = new LRUCache<string, { tokens: number; at: number }>({ max: LRU_SIZE });
  // Writes not started yet, by Event name: a repeat updates the waiting write instead of adding one.
  const waiting = new Map<string, Event>();
  let tail: Promise<void> = Promise.resolve();
  let failures = 0;

  const allowed = (key: string, ms: number): boolean => {
    const b = buckets.get(key) ?? { tokens: SPAM_BURST, at: ms };
    b.tokens = Math.min(SPAM_BURST, b.tokens + Math.max(0, ms - b.at) / SPAM_REFILL_MS);
    b.at = ms;
    buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };

  const failed = (ev: Event, error: unknown) => {
    // Not failures of the recorder: the namespace is going away, or the Event is there already.
    if (isNamespaceTerminating(error) || isAlreadyExists(error)) {
      logger.debug?.('Server rejected event (will not retry!)', { component: source.component, reason: ev.reason, error });
      return;
    }
    if (failures++ === 0) {
      const o = ev.involvedObject;
      logger.error('Server rejected event (will not retry!)', {
        component: source.component, object: `${o.kind ?? ''}/${o.namespace ? `${o.namespace}/` : ''}${o.name ?? ''}`, reason: ev.reason, error,
      });
    }
  };
  const succeeded = () => {
    if (failures > 1) logger.info('Writing events again', { component: source.component, dropped: failures - 1 });
    failures = 0;
  };

  const write = async (ev: Event, update: boolean): Promise<void> => {
    waiting.delete(ev.metadata!.name!);
    const key = { namespace: ev.metadata!.namespace, name: ev.metadata!.name! };
    try {
      if (update) {
        try {
          await client.patch(Events, key, 'merge', { count: ev.count, lastTimestamp: ev.lastTimestamp, message: ev.message });
          succeeded();
          return;
        } catch (e) {
          // The first write failed or was filtered, or the Event expired: write it afresh.
          if (!isNotFound(e)) throw e;
        }
      }
      await client.create(Events, ev as unknown as KubeObject);
      succeeded();
    } catch (e) {
      failed(ev, e);
    }
  };

  return {
    event(obj, type, reason, message, fieldPath) {
      if (type !== 'Normal' && type !== 'Warning') {
        logger.error(`Unsupported event type: '${String(type)}'`, { component: source.component, reason });
        return;
      }
      const ms = now();
      const ref = reference(obj, fieldPath);
      const objectKey = [source.component, host, ref.kind, ref.namespace, ref.name, ref.uid, ref.apiVersion].join('\u0000');

      // EventAggregator: many messages of one reason become one combined Event.
      const aggregateKey = [objectKey, type, reason].join('\u0000');
      let agg = aggregates.get(aggregateKey);
      if (!agg || ms - agg.last > AGGREGATE_INTERVAL_MS) agg = { messages: new Set(), last: ms };
      agg.messages.add(message);
      agg.last = ms;
      aggregates.set(aggregateKey, agg);
      let key = [objectKey, ref.fieldPath, type, reason, message].join('\u0000');
      if (agg.messages.size >= AGGREGATE_MAX_EVENTS) {
        agg.messages.delete(agg.messages.values().next().value!); // do not grow past the maximum
        message = `(combined from similar events): ${message}`;
        key = aggregateKey;
      }

      // EventLogger: a repeat takes the first Event's name and counts on.
      const stamp = metaTime(ms);
      const seen = observed.get(key);
      const entry = seen
        ? { ...seen, count: seen.count + 1 }
        : { count: 1, first: stamp, name: `${ref.name}.${uniqueNanos(ms).toString(16)}` };
      observed.set(key, entry);

      if (!allowed(objectKey, ms)) return;

      const queued = waiting.get(entry.name);
      if (queued) {
        Object.assign(queued, { count: entry.count, lastTimestamp: stamp, message });
        return;
      }
      const ev: Event = {
        apiVersion: 'v1', kind: 'Event',
        metadata: { name: entry.name, namespace: ref.namespace || 'default' },
        involvedObject: ref, reason, message, type,
        count: entry.count, firstTimestamp: entry.first, lastTimestamp: stamp,
        source: eventSource, reportingComponent: source.component, reportingInstance: host,
      };
      const update = entry.count > 1; // else a create, even when repeats join it while it waits
      waiting.set(entry.name, ev);
      tail = tail.then(() => write(ev, update));
    },
    flush: () => tail,
  };
}
