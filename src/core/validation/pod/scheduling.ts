// Scheduling constraints: node selectors and affinity, tolerations, topology spread, gates.
// Node selector terms are shared with PersistentVolume node affinity and StorageClass topologies.
import { field, type FieldError } from '../../errors.js';
import type { Affinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodAffinityTerm, Toleration,
  TopologySelectorTerm, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { validateLabelName } from '../meta.js';
import { isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from '../names.js';
import { child, index } from '../path.js';
import { validateLabelSelector } from '../selector.js';

export function validateNodeSelectorRequirement(rq: NodeSelectorRequirement, allowInvalidValue: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = rq.values ?? [];
  switch (rq.operator) {
    case 'In': case 'NotIn':
      if (!values.length) errs.push(field.required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists': case 'DoesNotExist':
      if (values.length) errs.push(field.forbidden(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt': case 'Lt':
      if (values.length !== 1) errs.push(field.required(child(path, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(field.invalid(child(path, 'operator'), rq.operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(rq.key ?? '', child(path, 'key')));
  if (!allowInvalidValue) {
    values.forEach((v, i) => errs.push(...isValidLabelValue(v).map((m) => field.invalid(index(child(path, 'values'), i), v, m))));
  }
  return errs;
}

function validateNodeFieldSelectorRequirement(rq: NodeSelectorRequirement, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (rq.operator === 'In' || rq.operator === 'NotIn') {
    if ((rq.values ?? []).length !== 1) errs.push(field.required(child(path, 'values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else errs.push(field.invalid(child(path, 'operator'), rq.operator, 'not a valid selector operator'));
  if (rq.key !== 'metadata.name') errs.push(field.invalid(child(path, 'key'), rq.key, 'not a valid field selector key'));
  else (rq.values ?? []).forEach((v, i) => errs.push(...nameIsDNSSubdomain(v, false).map((m) => field.invalid(index(child(path, 'values'), i), v, m))));
  return errs;
}

export function validateNodeSelectorTerm(term: NodeSelectorTerm, allowInvalidValue: boolean, path: string): FieldError[] {
  return [
    ...(term.matchExpressions ?? []).flatMap((r, j) => validateNodeSelectorRequirement(r, allowInvalidValue, index(child(path, 'matchExpressions'), j))),
    ...(term.matchFields ?? []).flatMap((r, j) => validateNodeFieldSelectorRequirement(r, index(child(path, 'matchFields'), j))),
  ];
}

export function validateNodeSelector(sel: NodeSelector, allowInvalidValue: boolean, path: string): FieldError[] {
  const termsPath = child(path, 'nodeSelectorTerms');
  if (!(sel.nodeSelectorTerms ?? []).length) return [field.required(termsPath, 'must have at least one node selector term')];
  return sel.nodeSelectorTerms.flatMap((t, i) => validateNodeSelectorTerm(t, allowInvalidValue, index(termsPath, i)));
}

/** StorageClass allowedTopologies terms; returns key -> values for duplicate detection. */
export function validateTopologySelectorTerm(term: TopologySelectorTerm, path: string): { map: Map<string, Set<string>>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const map = new Map<string, Set<string>>();
  (term.matchLabelExpressions ?? []).forEach((rq, i) => {
    const p = index(child(path, 'matchLabelExpressions'), i);
    const vp = child(p, 'values');
    const values = new Set<string>();
    if (!(rq.values ?? []).length) errs.push(field.required(vp, ''));
    (rq.values ?? []).forEach((v, j) => {
      if (values.has(v)) errs.push(field.duplicate(index(vp, j), v));
      values.add(v);
    });
    errs.push(...validateLabelName(rq.key ?? '', child(p, 'key')));
    if (map.has(rq.key)) errs.push(field.duplicate(child(p, 'key'), rq.key));
    map.set(rq.key, values);
  });
  return { map, errs };
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: string): FieldError[] {
  const errs = [
    ...validateLabelSelector(term.labelSelector, child(path, 'labelSelector')),
    ...validateLabelSelector(term.namespaceSelector, child(path, 'namespaceSelector')),
  ];
  for (const ns of term.namespaces ?? []) errs.push(...nameIsDNSLabel(ns, false).map((m) => field.invalid(child(path, 'namespace'), ns, m)));
  errs.push(...validateLabelKeys(term.matchLabelKeys, term.labelSelector, child(path, 'matchLabelKeys')));
  errs.push(...validateLabelKeys(term.mismatchLabelKeys, term.labelSelector, child(path, 'mismatchLabelKeys')));
  if (!term.topologyKey) errs.push(field.required(child(path, 'topologyKey'), 'can not be empty'));
  return [...errs, ...validateLabelName(term.topologyKey ?? '', child(path, 'topologyKey'))];
}

function validateLabelKeys(keys: string[] | undefined, sel: LabelSelector | undefined, path: string): FieldError[] {
  if (!keys?.length) return [];
  if (!sel) return [field.forbidden(path, 'must not be specified when labelSelector is not set')];
  return keys.flatMap((k, i) => validateLabelName(k, index(path, i)));
}

function validateWeight(weight: number, path: string): FieldError[] {
  return weight <= 0 || weight > 100 ? [field.invalid(path, weight, 'must be in the range 1-100')] : [];
}

export function validateAffinity(aff: Affinity | undefined, path: string): FieldError[] {
  if (!aff) return [];
  const errs: FieldError[] = [];
  const na = aff.nodeAffinity;
  if (na) {
    const np = child(path, 'nodeAffinity');
    const required = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (required) errs.push(...validateNodeSelector(required, false, child(np, 'requiredDuringSchedulingIgnoredDuringExecution')));
    (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      const tp = index(child(np, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
      errs.push(...validateWeight(t.weight, child(tp, 'weight')));
      errs.push(...validateNodeSelectorTerm(t.preference ?? {}, true, child(tp, 'preference')));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = aff[kind];
    if (!pa) continue;
    const pp = child(path, kind);
    (pa.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) =>
      errs.push(...validatePodAffinityTerm(t, index(child(pp, 'requiredDuringSchedulingIgnoredDuringExecution'), i))));
    (pa.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      const tp = index(child(pp, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
      errs.push(...validateWeight(t.weight, child(tp, 'weight')));
      errs.push(...validatePodAffinityTerm(t.podAffinityTerm, child(tp, 'podAffinityTerm')));
    });
  }
  return errs;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTaintEffect(effect: string | undefined, allowEmpty: boolean, path: string): FieldError[] {
  if (!allowEmpty && !effect) return [field.required(path, '')];
  return TAINT_EFFECTS.includes(effect ?? '') ? [] : [field.notSupported(path, effect ?? '', TAINT_EFFECTS)];
}

export function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = index(path, i);
    if (t.key) errs.push(...validateLabelName(t.key, child(p, 'key')));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(field.invalid(child(p, 'operator'), t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds != null && t.effect !== 'NoExecute') {
      errs.push(field.invalid(child(p, 'effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? '') {
      case 'Equal': case '': {
        const msgs = isValidLabelValue(t.value ?? '');
        if (msgs.length) errs.push(field.invalid(child(p, 'operator'), t.value ?? '', msgs.join(';')));
        break;
      }
      case 'Exists':
        if (t.value) errs.push(field.invalid(child(p, 'operator'), t.value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(field.notSupported(child(p, 'operator'), t.operator, ['Equal', 'Exists']));
    }
    if (t.effect) errs.push(...validateTaintEffect(t.effect, true, child(p, 'effect')));
  });
  return errs;
}

export function validateTopologySpreadConstraints(cs: TopologySpreadConstraint[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = cs ?? [];
  list.forEach((c, i) => {
    const p = index(path, i);
    if (c.maxSkew <= 0) errs.push(field.invalid(child(p, 'maxSkew'), c.maxSkew, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(field.required(child(p, 'topologyKey'), 'can not be empty'));
    if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway') {
      errs.push(field.notSupported(child(p, 'whenUnsatisfiable'), c.whenUnsatisfiable, ['DoNotSchedule', 'ScheduleAnyway']));
    }
    const dup = list.slice(i + 1).find((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable);
    if (dup) errs.push(field.duplicate(child(p, '{topologyKey, whenUnsatisfiable}'), `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
    if (c.minDomains != null) {
      if (c.minDomains <= 0) errs.push(field.invalid(child(p, 'minDomains'), c.minDomains, 'must be greater than zero'));
      if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(field.invalid(child(p, 'minDomains'), c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable}`));
      }
    }
    for (const pol of ['nodeAffinityPolicy', 'nodeTaintsPolicy'] as const) {
      const v = c[pol];
      if (v != null && v !== 'Honor' && v !== 'Ignore') errs.push(field.notSupported(child(p, pol), v, ['Honor', 'Ignore']));
    }
    const keys = c.matchLabelKeys ?? [];
    if (keys.length) {
      const mp = child(p, 'matchLabelKeys');
      const selKeys = new Set([...Object.keys(c.labelSelector?.matchLabels ?? {}), ...(c.labelSelector?.matchExpressions ?? []).map((e) => e.key)]);
      if (!c.labelSelector) errs.push(field.forbidden(mp, 'must not be specified when labelSelector is not set'));
      keys.forEach((k, j) => {
        errs.push(...validateLabelName(k, index(mp, j)));
        if (selKeys.has(k)) errs.push(field.invalid(index(mp, j), k, 'exists in both matchLabelKeys and labelSelector'));
      });
    }
    errs.push(...validateLabelSelector(c.labelSelector, child(p, 'labelSelector')));
  });
  return errs;
}
