// Pod strategy: defaulting, the create-time mutations upstream's admission chain makes
// (ServiceAccount, DefaultTolerationSeconds, Priority), status rules and validation.
import type { Pod, PodSpec, PodStatus, Toleration } from 'kubernetes-types/core/v1.js';
import { Pods, type KubeObject } from '../../../core/index.js';
import { computePodQOS } from '../../../core/validation/index.js';
import type { ResourceStrategy } from '../../registry/strategy.js';
import { defaultPod } from './defaults.js';
import { validatePodCreate, validatePodStatusUpdate, validatePodUpdate } from './validation.js';

export type PodObject = Pod & KubeObject;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const SYSTEM_PRIORITIES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };
const DEFAULT_TOLERATION_SECONDS = 300;
const NODE_TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

const statusOf = (pod: PodObject): Mutable<PodStatus> => ((pod as Mutable<PodObject>).status ??= {}) as Mutable<PodStatus>;

/** DefaultTolerationSeconds admission: tolerate NotReady/Unreachable for 5 minutes unless told otherwise. */
function addDefaultTolerations(spec: PodSpec): void {
  const tolerations: Toleration[] = spec.tolerations ?? [];
  for (const key of NODE_TAINTS) {
    const tolerated = tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
    if (!tolerated) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
  }
  if (tolerations.length) spec.tolerations = tolerations;
}

/** ServiceAccount and Priority admission, minus the lookups (the lead's admission checks existence). */
function admitSpec(spec: PodSpec, mirror: boolean): void {
  if (!mirror && !spec.serviceAccountName) spec.serviceAccountName = 'default';
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  if (spec.priority == null) {
    if (!spec.priorityClassName) {
      spec.priority = 0;
      spec.preemptionPolicy ??= 'PreemptLowerPriority';
    } else if (spec.priorityClassName in SYSTEM_PRIORITIES) {
      spec.priority = SYSTEM_PRIORITIES[spec.priorityClassName];
      spec.preemptionPolicy ??= 'PreemptLowerPriority';
    }
  }
}

export const podStrategy: Omit<ResourceStrategy<PodObject>, 'table' | 'selectableFields' | 'fieldLabels'> = {
  type: Pods,
  generation: true,
  defaults(pod) {
    defaultPod(pod);
  },
  prepareForCreate(pod) {
    const spec = (pod.spec ??= { containers: [] });
    admitSpec(spec, !!pod.metadata?.annotations?.['kubernetes.io/config.mirror']);
    addDefaultTolerations(spec);
    const status: Mutable<PodStatus> = { phase: 'Pending', qosClass: computePodQOS([...(spec.initContainers ?? []), ...(spec.containers ?? [])]) };
    if ((spec.schedulingGates ?? []).length) {
      status.conditions = [{
        type: 'PodScheduled', status: 'False', reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates', lastProbeTime: null, lastTransitionTime: null,
      } as unknown as NonNullable<PodStatus['conditions']>[number]];
    }
    (pod as Mutable<PodObject>).status = status;
  },
  validate: (pod) => validatePodCreate(pod),
  prepareForUpdate(next, prev) {
    (next as Mutable<PodObject>).status = prev.status;
  },
  validateUpdate: (next, prev) => validatePodUpdate(next, prev),
  prepareForStatusUpdate(next, prev) {
    next.spec = prev.spec;
    const status = statusOf(next);
    // QoS is fixed at creation; old kubelets dropped it from their writes.
    if (!status.qosClass && prev.status?.qosClass) status.qosClass = prev.status.qosClass;
  },
  validateStatusUpdate: (next, prev) => validatePodStatusUpdate(next, prev),
  deleteGracePeriod(pod, requested) {
    let period = requested ?? pod.spec?.terminationGracePeriodSeconds ?? 0;
    if (!pod.spec?.nodeName) period = 0;
    if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') period = 0;
    return period < 0 ? 1 : period;
  },
};
