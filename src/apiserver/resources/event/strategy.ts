// core/v1 Event strategy: upstream applies only its lenient legacy checks to v1 events
// (namespace agreement, reporting fields for new-style events), then the generic ObjectMeta
// checks every kind gets, whose name rule is the loosest: one URL path segment.
import type { Event } from 'kubernetes-types/core/v1.js';
import { Events, type KubeObject } from '../../../core/index.js';
import { field, type FieldError } from '../../../core/index.js';
import {
  isDNS1123Subdomain, isQualifiedName, nameIsPathSegment, validateObjectMeta, validateObjectMetaUpdate,
} from '../../../core/validation/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';

export type EventObject = Event & KubeObject;

const LIMITS = { reportingInstance: 128, action: 128, reason: 128, message: 1024 } as const;

export function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata?.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  const mismatch = () => field.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace');
  if (!ev.eventTime) {
    if (!involvedNs) { if (ns !== '' && ns !== 'default') errs.push(mismatch()); }
    else if (ns !== involvedNs) errs.push(mismatch());
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(mismatch());
    if (!ev.reportingComponent) errs.push(field.required('reportingController', ''));
    errs.push(...isQualifiedName(ev.reportingComponent ?? '').map((m) => field.invalid('reportingController', ev.reportingComponent ?? '', m)));
    for (const f of ['reportingInstance', 'action', 'reason'] as const) {
      const v = ev[f] ?? '';
      if (!v) errs.push(field.required(f, ''));
      if (v.length > LIMITS[f]) errs.push(field.invalid(f, '', `can have at most ${LIMITS[f]} characters`));
    }
    if ((ev.message ?? '').length > LIMITS.message) errs.push(field.invalid('message', '', `can have at most ${LIMITS.message} characters`));
  }
  errs.push(...isDNS1123Subdomain(ns).map((m) => field.invalid('namespace', ns, m)));
  return errs;
}

export const eventStrategy: Omit<ResourceStrategy<EventObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: Events,
  generation: false,
  defaults() {},
  prepareForCreate() {},
  // Upstream reports the kind's own errors alone, and the generic ones only when there are none.
  validate: (ev) => {
    const errs = validateEvent(ev);
    return errs.length ? errs : validateObjectMeta(ev.metadata, { namespaced: true, nameValidator: nameIsPathSegment });
  },
  prepareForUpdate() {},
  validateUpdate: (next, prev) => [...validateObjectMetaUpdate(next.metadata, prev.metadata), ...validateEvent(next)],
  // No status subresource: a status write can only touch metadata.
  prepareForStatusUpdate(next, prev) {
    for (const k of Object.keys(next)) if (k !== 'metadata') delete next[k];
    Object.assign(next, { ...prev, metadata: next.metadata });
  },
  validateStatusUpdate: () => [],
};
