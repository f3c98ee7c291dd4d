// Events from the node agent: core/v1 Events with source {component: kubelet, host: <node>},
// as kubectl describe shows them ("From: kubelet"). Written in the background, in order.
//
// Contract:
// - event() never throws and never waits for the API; a failed write is logged and dropped
//   (events are best effort upstream too).
// - The same event again (object, fieldPath, type, reason, message) bumps the existing
//   Event's count and lastTimestamp instead of writing a new one (client-go's EventLogger), so
//   a crash-looping container shows "BackOff (x12 over 3m)".
// - flush() resolves once everything recorded so far was written or dropped.
import type { Event } from 'kubernetes-types/core/v1.js';
import { Events, isNotFound, type KubeObject } from '../core/index.js';
import type { ApiClient } from '../client/index.js';
import type { Logger } from '../controller-runtime/index.js';
import { rfc3339 } from './time.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  event(obj: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): void;
  flush(): Promise<void>;
}

const MAX_REMEMBERED = 4096;

export function createEventRecorder(client: ApiClient, source: { component: string; host?: string }, logger: Logger,
  now: () => number = Date.now): EventRecorder {
  const seen = new Map<string, { name: string; count: number; first: string }>();
  let chain: Promise<void> = Promise.resolve();
  let sequence = 0;

  async function write(ev: Event, key: string): Promise<void> {
    const ns = ev.metadata!.namespace;
    if ((ev.count ?? 1) > 1) {
      try {
        await client.patch(Events, { namespace: ns, name: ev.metadata!.name! }, 'merge', { count: ev.count, lastTimestamp: ev.lastTimestamp });
        return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    await client.create(Events, ev as unknown as KubeObject);
    seen.set(key, { name: ev.metadata!.name!, count: ev.count ?? 1, first: ev.firstTimestamp! });
  }

  return {
    event(obj, type, reason, message, fieldPath) {
      const t = Math.floor(now());
      const meta = obj.metadata ?? {};
      const key = [meta.uid, fieldPath ?? '', type, reason, message].join('\u0000');
      const before = seen.get(key);
      const stamp = rfc3339(t);
      const name = before?.name ?? `${meta.name}.${(BigInt(t) * 1_000_000n + BigInt(sequence++ % 1_000_000)).toString(16)}`;
      const count = (before?.count ?? 0) + 1;
      seen.delete(key);
      seen.set(key, { name, count, first: before?.first ?? stamp });
      if (seen.size > MAX_REMEMBERED) seen.delete(seen.keys().next().value as string);
      const ev: Event = {
        apiVersion: 'v1', kind: 'Event',
        metadata: { name, namespace: meta.namespace || 'default' },
        involvedObject: {
          apiVersion: obj.apiVersion ?? 'v1', kind: obj.kind ?? 'Pod', name: meta.name, namespace: meta.namespace,
          uid: meta.uid, resourceVersion: meta.resourceVersion, ...(fieldPath ? { fieldPath } : {}),
        },
        reason, message, type, count, firstTimestamp: before?.first ?? stamp, lastTimestamp: stamp,
        source: source.host ? { component: source.component, host: source.host } : { component: source.component },
        reportingComponent: source.component, reportingInstance: source.host ?? '',
      };
      chain = chain.then(() => write(ev, key)).catch((error) => {
        logger.error('event recorder: could not write an event', { component: source.component, reason, error });
      });
    },
    flush: () => chain,
  };
}
