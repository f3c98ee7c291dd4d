// Pod field selectors: the attributes upstream's pod registry exposes (ToSelectableFields) and
// the labels the v1 field label conversion accepts (`spec.host` is the old name of spec.nodeName).
import type { Pod } from 'kubernetes-types/core/v1.js';
import { customFieldLabels, type FieldLabelPolicy } from '../../../core/index.js';

export const podFieldLabels: FieldLabelPolicy = customFieldLabels([
  'metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName',
  'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName',
], { 'spec.host': 'spec.nodeName' });

/** Selectable attributes beyond metadata.name/namespace; unset values read as ''. */
export function podFields(pod: Pod): Record<string, string> {
  const spec = pod.spec, status = pod.status;
  return {
    'spec.nodeName': spec?.nodeName ?? '',
    'spec.restartPolicy': spec?.restartPolicy ?? '',
    'spec.schedulerName': spec?.schedulerName ?? '',
    'spec.serviceAccountName': spec?.serviceAccountName ?? '',
    'spec.hostNetwork': String(spec?.hostNetwork === true),
    'status.phase': status?.phase ?? '',
    // The v1 conversion makes status.podIP authoritative over podIPs[0].
    'status.podIP': status?.podIP || status?.podIPs?.[0]?.ip || '',
    'status.nominatedNodeName': status?.nominatedNodeName ?? '',
  };
}
