// `kubectl get events`: LAST SEEN TYPE REASON OBJECT MESSAGE, + SUBOBJECT SOURCE FIRST SEEN
// COUNT NAME wide. New-style events (eventTime, series, reportingComponent) print like old ones.
import type { Event } from 'kubernetes-types/core/v1.js';
import { parseTimestamp, timestampSince } from '../../../core/index.js';
import type { TableSpec } from '../../registry/strategy.js';
import { column, NAME_COLUMN, type Obj } from '../printing.js';

/** Source component (or reportingComponent), then `, host` (or reportingInstance) if any. */
function eventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

export const eventTable: TableSpec<Obj<Event>> = {
  columns: [
    column('Last Seen', 'Time since the event was last observed.'),
    column('Type', 'Normal or Warning.'),
    column('Reason', 'Short machine-readable reason.'),
    column('Object', 'The object the event is about, as kind/name.'),
    column('Subobject', 'Part of the object, e.g. a container.', { wide: true }),
    column('Source', 'Component (and host) that reported the event.', { wide: true }),
    column('Message', 'Human-readable description.'),
    column('First Seen', 'Time since the event was first observed.', { wide: true }),
    column('Count', 'How many times the event occurred.', { wide: true }),
    { ...NAME_COLUMN, priority: 1 },
  ],
  row(ev, now) {
    const first = parseTimestamp(ev.firstTimestamp) !== undefined
      ? timestampSince(ev.firstTimestamp, now) : timestampSince(ev.eventTime, now);
    let last = parseTimestamp(ev.lastTimestamp) !== undefined ? timestampSince(ev.lastTimestamp, now) : first;
    let count = ev.count ?? 0;
    if (ev.series) {
      last = timestampSince(ev.series.lastObservedTime, now);
      count = ev.series.count ?? 0;
    } else if (count === 0) {
      count = 1; // singleton events carry no count in the new API
    }
    const io = ev.involvedObject;
    const kind = (io?.kind ?? '').toLowerCase();
    const target = io?.name ? `${kind}/${io.name}` : kind;
    return [
      last, ev.type ?? '', ev.reason ?? '', target, io?.fieldPath ?? '', eventSource(ev),
      (ev.message ?? '').trim(), first, count, ev.metadata?.name ?? '',
    ];
  },
};
