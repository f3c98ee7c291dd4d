// Event field selectors: what `kubectl describe` filters on (involvedObject.name/namespace/uid/kind)
// and the rest of upstream's list. `source` falls back to reportingComponent for new-style events.
import type { Event } from 'kubernetes-types/core/v1.js';
import { customFieldLabels, type FieldLabelPolicy } from '../../../core/index.js';

export const eventFieldLabels: FieldLabelPolicy = customFieldLabels([
  'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
  'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath',
  'reason', 'reportingComponent', 'source', 'type', 'metadata.namespace', 'metadata.name',
]);

export function eventFields(ev: Event): Record<string, string> {
  const io = ev.involvedObject;
  return {
    'involvedObject.kind': io?.kind ?? '',
    'involvedObject.namespace': io?.namespace ?? '',
    'involvedObject.name': io?.name ?? '',
    'involvedObject.uid': io?.uid ?? '',
    'involvedObject.apiVersion': io?.apiVersion ?? '',
    'involvedObject.resourceVersion': io?.resourceVersion ?? '',
    'involvedObject.fieldPath': io?.fieldPath ?? '',
    reason: ev.reason ?? '',
    reportingComponent: ev.reportingComponent ?? '',
    source: ev.source?.component || ev.reportingComponent || '',
    type: ev.type ?? '',
  };
}
