// The node agent's Events, through the shared recorder (controller-runtime/events.ts), with
// source {component: kubelet, host: <node>}; kubectl describe shows them "From: kubelet".
import { Pods } from '../core/index.js';
import type { ApiClient } from '../client/index.js';
import {
  createEventRecorder as sharedRecorder, withTypeMeta, type EventRecorder, type EventSource, type EventType, type Logger,
} from '../controller-runtime/index.js';

export type { EventRecorder, EventType };

export function createEventRecorder(client: ApiClient, source: EventSource, logger: Logger, now: () => number = Date.now): EventRecorder {
  const shared = sharedRecorder(client, source, { logger, now });
  return {
    // Pods are what the agent mostly reports on; a pod from a cache may lack its kind.
    event: (obj, type, reason, message, fieldPath) => shared.event(obj.kind ? obj : withTypeMeta(Pods, obj), type, reason, message, fieldPath),
    flush: () => shared.flush(),
  };
}
