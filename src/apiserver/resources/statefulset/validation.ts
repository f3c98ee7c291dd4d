// StatefulSet validation (pkg/apis/apps/validation, Kubernetes 1.33): I1-I12 and D24. The pod
// template's spec is deliberately not validated as a pod (upstream quirk; I10 for claims too).
import type { StatefulSet, StatefulSetSpec, StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { field, type FieldError } from '../../../core/index.js';
import {
  GoValue, child, goStringMap, isEmptySelector, isValidPercent, nameIsDNSLabel, selectorConversionFails, selectorMatches,
  semanticEqual, validateAnnotations, validateLabelSelector, validateLabels, validateNonnegative, validateObjectMeta,
  validateObjectMetaUpdate, validatePodSpecificAnnotations,
} from '../../../core/validation/index.js';

function validateMaxUnavailable(v: number | string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let value: number;
  if (typeof v === 'string') {
    const msgs = isValidPercent(v);
    errs.push(...msgs.map((m) => field.invalid(path, v, m)));
    value = msgs.length ? 0 : Number(v.slice(0, -1));
  } else {
    errs.push(...validateNonnegative(v, path));
    value = v;
  }
  if (value === 0) errs.push(field.invalid(path, v, 'cannot be 0'));
  if (typeof v === 'string' && !isValidPercent(v).length && value > 100) errs.push(field.invalid(path, v, 'must not be greater than 100%'));
  return errs;
}

function validateRetention(spec: StatefulSetSpec, path: string): FieldError[] {
  const policy = spec.persistentVolumeClaimRetentionPolicy;
  if (!policy) return [];
  const errs: FieldError[] = [];
  for (const f of ['whenDeleted', 'whenScaled'] as const) {
    const v = policy[f] ?? '';
    if (v !== 'Retain' && v !== 'Delete') errs.push(field.notSupported(child(path, f), v, ['Retain', 'Delete']));
  }
  return errs;
}

export function validateStatefulSetSpec(spec: StatefulSetSpec, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy ?? '';
  if (!pmp) errs.push(field.required(child(path, 'podManagementPolicy'), ''));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(field.invalid(child(path, 'podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'"));
  const strategy = spec.updateStrategy ?? {};
  switch (strategy.type ?? '') {
    case '': errs.push(field.required(child(path, 'updateStrategy'), '')); break;
    case 'OnDelete':
      if (strategy.rollingUpdate) {
        errs.push(field.invalid(child(path, 'updateStrategy', 'rollingUpdate'), strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
      }
      break;
    case 'RollingUpdate': {
      const ru = strategy.rollingUpdate;
      if (ru) {
        const rp = child(path, 'updateStrategy', 'rollingUpdate');
        errs.push(...validateNonnegative(ru.partition, child(rp, 'partition')));
        if (ru.maxUnavailable != null) errs.push(...validateMaxUnavailable(ru.maxUnavailable, child(rp, 'maxUnavailable')));
      }
      break;
    }
    default: errs.push(field.invalid(child(path, 'updateStrategy'), strategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  errs.push(...validateRetention(spec, child(path, 'persistentVolumeClaimRetentionPolicy')));
  errs.push(...validateNonnegative(spec.replicas, child(path, 'replicas')));
  errs.push(...validateNonnegative(spec.minReadySeconds, child(path, 'minReadySeconds')));
  if (spec.ordinals) errs.push(...validateNonnegative(spec.ordinals.start, child(path, 'ordinals.start')));
  if (!spec.selector) errs.push(field.required(child(path, 'selector'), ''));
  else {
    errs.push(...validateLabelSelector(spec.selector, child(path, 'selector')));
    if (isEmptySelector(spec.selector)) errs.push(field.invalid(child(path, 'selector'), spec.selector, 'empty selector is invalid for statefulset'));
  }
  const tpl = spec.template ?? {};
  const labels = tpl.metadata?.labels;
  if (spec.selector && selectorConversionFails(spec.selector)) errs.push(field.invalid(child(path, 'selector'), spec.selector, ''));
  else {
    const tp = child(path, 'template');
    // A nil selector matches nothing (so it is reported here too); an empty one is not compared.
    if (!isEmptySelector(spec.selector) && !selectorMatches(spec.selector, labels)) {
      errs.push(field.invalid(child(tp, 'metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
    }
    errs.push(...validateLabels(labels, child(tp, 'labels')));
    errs.push(...validateAnnotations(tpl.metadata?.annotations, child(tp, 'annotations')));
    errs.push(...validatePodSpecificAnnotations(tpl.metadata?.annotations, tpl.spec ?? ({} as PodSpec), child(tp, 'annotations')));
  }
  const restart = tpl.spec?.restartPolicy ?? '';
  if (restart !== 'Always') errs.push(field.notSupported(child(path, 'template', 'spec', 'restartPolicy'), restart, ['Always']));
  if (tpl.spec?.activeDeadlineSeconds != null) {
    errs.push(field.forbidden(child(path, 'template', 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

export function validateStatefulSet(sts: StatefulSet): FieldError[] {
  return [...validateObjectMeta(sts.metadata, { namespaced: true, nameValidator: nameIsDNSLabel }), ...validateStatefulSetSpec(sts.spec ?? ({} as StatefulSetSpec))];
}

const MUTABLE_SPEC = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'] as const;

/** The name is not re-checked: older releases accepted subdomain names that must stay deletable. */
export function validateStatefulSetUpdate(next: StatefulSet, prev: StatefulSet): FieldError[] {
  const errs = [...validateObjectMetaUpdate(next.metadata, prev.metadata), ...validateStatefulSetSpec(next.spec ?? ({} as StatefulSetSpec))];
  const n: Record<string, unknown> = { ...(next.spec ?? {}) };
  const p: Record<string, unknown> = { ...(prev.spec ?? {}) };
  for (const f of MUTABLE_SPEC) n[f] = p[f];
  if (!semanticEqual(n, p)) {
    errs.push(field.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
  }
  return errs;
}

export function validateStatefulSetStatus(status: StatefulSetStatus, path = 'status'): FieldError[] {
  const errs: FieldError[] = [];
  const s = { readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0, ...status, replicas: status.replicas ?? 0 };
  for (const f of ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'] as const) {
    errs.push(...validateNonnegative(s[f], child(path, f)));
  }
  if (status.observedGeneration != null) errs.push(...validateNonnegative(status.observedGeneration, child(path, 'observedGeneration')));
  if (status.collisionCount != null) errs.push(...validateNonnegative(status.collisionCount, child(path, 'collisionCount')));
  for (const f of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'] as const) {
    if (s[f] > s.replicas) errs.push(field.invalid(child(path, f), s[f], 'cannot be greater than status.replicas'));
  }
  if (s.availableReplicas > s.readyReplicas) {
    errs.push(field.invalid(child(path, 'availableReplicas'), s.availableReplicas, 'cannot be greater than status.readyReplicas'));
  }
  return errs;
}

export function validateStatefulSetStatusUpdate(next: StatefulSet, prev: StatefulSet): FieldError[] {
  const errs = [...validateStatefulSetStatus(next.status ?? ({} as StatefulSetStatus)), ...validateObjectMetaUpdate(next.metadata, prev.metadata)];
  const nc = next.status?.collisionCount;
  const pc = prev.status?.collisionCount;
  if (pc != null && (nc == null || nc < pc)) errs.push(field.invalid('status.collisionCount', nc ?? 0, 'cannot be decremented'));
  return errs;
}

export { GoValue };
