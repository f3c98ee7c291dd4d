// The storage controllers' view of the shared event recorder (controller-runtime/events.ts):
// the object's kind comes from its ResourceType, as objects from caches may not carry it.
import type { KubeObject, ResourceType } from '../core/index.js';
import type { Writer } from '../client/index.js';
import {
  createEventRecorder as sharedRecorder, withTypeMeta, type EventSource, type EventType, type Logger,
} from '../controller-runtime/index.js';

export type { EventSource, EventType };

export interface EventRecorder {
  event(type: ResourceType, obj: KubeObject, eventType: EventType, reason: string, message: string): void;
  /** Resolves once every event recorded so far has been written or dropped. */
  flush(): Promise<void>;
}

export interface EventRecorderOptions {
  readonly now?: () => Date;
  readonly logger?: Logger;
}

export function createEventRecorder(client: Writer, source: EventSource, opts: EventRecorderOptions = {}): EventRecorder {
  const { now, logger } = opts;
  const shared = sharedRecorder(client, source, { logger, now: now && (() => now().getTime()) });
  return {
    event: (type, obj, eventType, reason, message) => shared.event(withTypeMeta(type, obj), eventType, reason, message),
    flush: () => shared.flush(),
  };
}
