// The scheduler's Events (Scheduled, FailedScheduling) from default-scheduler, through the
// shared recorder (controller-runtime/events.ts): a pod retried on every cluster change shows
// "FailedScheduling (x7 over 2m)" rather than seven Events.
import { Pods, type KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import { createEventRecorder, withTypeMeta, type EventType, type Logger } from '../../controller-runtime/index.js';

export const SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerEvents {
  record(pod: KubeObject, type: EventType, reason: string, message: string): void;
  flush(): Promise<void>;
}

export function schedulerEvents(client: ApiClient, logger: Logger, now: () => number = Date.now): SchedulerEvents {
  const shared = createEventRecorder(client, { component: SCHEDULER_NAME }, { logger, now });
  return { record: (pod, type, reason, message) => shared.event(withTypeMeta(Pods, pod), type, reason, message), flush: () => shared.flush() };
}
