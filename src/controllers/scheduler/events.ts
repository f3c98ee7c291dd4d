// The scheduler's core/v1 Events (Scheduled, FailedScheduling), source default-scheduler.
//
// Contract: record() never throws nor waits; writes happen in order in the background and a
// failed one is logged and dropped. The same event again (object, type, reason, message)
// bumps count and lastTimestamp of the existing Event, so a pod retried on every cluster
// change shows "FailedScheduling (x7 over 2m)" rather than seven Events.
import type { Event } from 'kubernetes-types/core/v1.js';
import { Events, isNotFound, type KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { Logger } from '../../controller-runtime/index.js';

export const SCHEDULER_NAME = 'default-scheduler';
const MAX_REMEMBERED = 4096;

export interface SchedulerEvents {
  record(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
  flush(): Promise<void>;
}

export function schedulerEvents(client: ApiClient, logger: Logger, now: () => number = Date.now): SchedulerEvents {
  const seen = new Map<string, { name: string; count: number; first: string }>();
  let chain: Promise<void> = Promise.resolve();
  let sequence = 0;

  const write = async (ev: Event, key: string) => {
    if ((ev.count ?? 1) > 1) {
      try {
        await client.patch(Events, { namespace: ev.metadata!.namespace, name: ev.metadata!.name! }, 'merge',
          { count: ev.count, lastTimestamp: ev.lastTimestamp });
        return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    await client.create(Events, ev as unknown as KubeObject);
    seen.set(key, { name: ev.metadata!.name!, count: ev.count ?? 1, first: ev.firstTimestamp! });
  };

  return {
    record(pod, type, reason, message) {
      const t = Math.floor(now());
      const meta = pod.metadata ?? {};
      const key = [meta.uid, type, reason, message].join('\u0000');
      const before = seen.get(key);
      const stamp = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const name = before?.name ?? `${meta.name}.${(BigInt(t) * 1_000_000n + BigInt(sequence++ % 1_000_000)).toString(16)}`;
      const count = (before?.count ?? 0) + 1;
      seen.delete(key);
      seen.set(key, { name, count, first: before?.first ?? stamp });
      if (seen.size > MAX_REMEMBERED) seen.delete(seen.keys().next().value as string);
      const ev: Event = {
        apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: meta.namespace || 'default' },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion },
        reason, message, type, count, firstTimestamp: before?.first ?? stamp, lastTimestamp: stamp,
        source: { component: SCHEDULER_NAME }, reportingComponent: SCHEDULER_NAME, reportingInstance: '',
      };
      chain = chain.then(() => write(ev, key)).catch((error) => logger.error('scheduler: could not write an event', { reason, error }));
    },
    flush: () => chain,
  };
}
