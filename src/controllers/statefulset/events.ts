// The StatefulSet controller's events, through the shared recorder (controller-runtime/events.ts).
import type { KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import { createEventRecorder as sharedRecorder, type EventType, type Logger } from '../../controller-runtime/index.js';

export type { EventType };

export interface EventRecorder {
  record(obj: KubeObject, type: EventType, reason: string, message: string): void;
  flush(): Promise<void>;
}

export function createEventRecorder(client: ApiClient, component: string, logger: Logger, now: () => number = Date.now): EventRecorder {
  const shared = sharedRecorder(client, { component }, { logger, now });
  return { record: (obj, type, reason, message) => shared.event(obj, type, reason, message), flush: () => shared.flush() };
}
