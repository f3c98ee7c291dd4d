// Pod create, update and status-update validation (upstream ValidatePodCreate,
// ValidatePodUpdate, ValidatePodStatusUpdate).
import type { Container, ContainerStatus, Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import { field, type FieldError } from '../../../core/index.js';
import {
  child, goStringSlice, index, inclusiveRangeError, isDualStack, isValidIP, nameIsDNSSubdomain, semanticEqual,
  validateImmutable, validateLabelName, validateObjectMeta, validateObjectMetaUpdate, validatePodSpec,
  validatePodSpecificAnnotations, validateTolerations, specDiff,
} from '../../../core/validation/index.js';


const MAX_INT32 = 2147483647;
const UPDATABLE_FIELDS = [
  '`spec.containers[*].image`', '`spec.initContainers[*].image`', '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
].join(',');

function imageWhitespace(containers: Container[] | undefined, path: string): FieldError[] {
  return (containers ?? []).flatMap((c, i) => (c.image && c.image.trim() !== c.image
    ? [field.invalid(child(index(path, i), 'image'), c.image, 'must not have leading or trailing whitespace')] : []));
}

function validatePodMetadataAndSpec(pod: Pod): FieldError[] {
  const spec = pod.spec ?? ({} as PodSpec);
  const errs = [
    ...validateObjectMeta(pod.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }),
    ...validatePodSpecificAnnotations(pod.metadata?.annotations, spec, 'metadata.annotations'),
    ...validatePodSpec(spec, 'spec', pod.metadata, { resourceIsPod: true }),
  ];
  if (!spec.serviceAccountName) {
    (spec.volumes ?? []).forEach((v, vi) => (v.projected?.sources ?? []).forEach((s, si) => {
      if (s.serviceAccountToken) {
        errs.push(field.forbidden(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
      }
    }));
  }
  return [...errs, ...imageWhitespace(spec.containers, 'spec.containers'), ...imageWhitespace(spec.initContainers, 'spec.initContainers')];
}

export function validatePodCreate(pod: Pod): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  const spec = pod.spec ?? ({} as PodSpec);
  if ((spec.ephemeralContainers ?? []).length) errs.push(field.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (spec.nodeName && (spec.schedulingGates ?? []).length) {
    errs.push(field.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

function annotationUpdates(next: Pod, prev: Pod): FieldError[] {
  const errs: FieldError[] = [];
  const n = next.metadata?.annotations ?? {};
  const p = prev.metadata?.annotations ?? {};
  const path = 'metadata.annotations';
  for (const [k, v] of Object.entries(p)) {
    if (k in n && n[k] === v) continue;
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/')) errs.push(field.forbidden(`${path}[${k}]`, 'may not remove or update AppArmor annotations'));
    if (k === 'kubernetes.io/config.mirror') errs.push(field.forbidden(`${path}[${k}]`, 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(n)) {
    if (k in p) continue;
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/')) errs.push(field.forbidden(`${path}[${k}]`, 'may not add AppArmor annotations'));
    if (k === 'kubernetes.io/config.mirror') errs.push(field.forbidden(`${path}[${k}]`, 'may not add mirror pod annotation'));
  }
  return [...errs, ...validatePodSpecificAnnotations(n, next.spec ?? ({} as PodSpec), path)];
}

function containerUpdates(next: Container[] | undefined, prev: Container[] | undefined, path: string): { errs: FieldError[]; stop: boolean } {
  if ((next ?? []).length !== (prev ?? []).length) return { errs: [field.forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  (next ?? []).forEach((c, i) => {
    if (!c.image) errs.push(field.required(child(index(path, i), 'image'), ''));
    if (c.image && c.image.trim() !== c.image) errs.push(field.invalid(child(index(path, i), 'image'), c.image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

function onlyAddedTolerations(next: PodSpec, prev: PodSpec): FieldError[] {
  for (const old of prev.tolerations ?? []) {
    const found = (next.tolerations ?? []).some((t) => semanticEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [field.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next.tolerations, 'spec.tolerations');
}

export function validatePodUpdate(next: Pod, prev: Pod): FieldError[] {
  const errs = [...validateObjectMetaUpdate(next.metadata, prev.metadata), ...validatePodMetadataAndSpec(next), ...annotationUpdates(next, prev)];
  const ns = next.spec ?? ({} as PodSpec);
  const ps = prev.spec ?? ({} as PodSpec);
  for (const f of ['containers', 'initContainers'] as const) {
    const r = containerUpdates(ns[f], ps[f], `spec.${f}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  if (ns.activeDeadlineSeconds != null) {
    const v = ns.activeDeadlineSeconds;
    if (v < 0 || v > MAX_INT32) return [...errs, field.invalid('spec.activeDeadlineSeconds', v, inclusiveRangeError(0, MAX_INT32))];
    if (ps.activeDeadlineSeconds != null && ps.activeDeadlineSeconds < v) {
      return [...errs, field.invalid('spec.activeDeadlineSeconds', v, 'must be less than or equal to previous value')];
    }
  } else if (ps.activeDeadlineSeconds != null) {
    errs.push(field.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...onlyAddedTolerations(ns, ps));
  const oldGates = new Set((ps.schedulingGates ?? []).map((g) => g.name));
  (ns.schedulingGates ?? []).forEach((g, i) => {
    if (!oldGates.has(g.name)) errs.push(field.forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${g.name}'`));
  });
  if (semanticEqual(ns, ps)) return errs;
  // Put the updatable fields back to their old values; anything still different is forbidden.
  const munged: PodSpec = structuredClone(ns);
  munged.containers = (munged.containers ?? []).map((c, i) => ({ ...c, image: ps.containers?.[i]?.image }));
  if (munged.initContainers) munged.initContainers = munged.initContainers.map((c, i) => ({ ...c, image: ps.initContainers?.[i]?.image }));
  munged.activeDeadlineSeconds = ps.activeDeadlineSeconds;
  munged.schedulingGates = ps.schedulingGates;
  munged.tolerations = ps.tolerations;
  if ((ps.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = ps.terminationGracePeriodSeconds;
  }
  if ((ps.schedulingGates ?? []).length) {
    // Gated pods may add node selectors (no deletions or changes).
    const oldSel = ps.nodeSelector ?? {};
    if (!semanticEqual(munged.nodeSelector, ps.nodeSelector)) {
      const ok = Object.entries(oldSel).every(([k, v]) => munged.nodeSelector?.[k] === v);
      if (!ok) errs.push(field.invalid('spec.nodeSelector', munged.nodeSelector, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
      munged.nodeSelector = ps.nodeSelector;
    }
  }
  if (!semanticEqual(munged, ps)) {
    errs.push(field.forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_FIELDS}\n${specDiff('core.PodSpec', ps, munged)}`));
  }
  return errs;
}

function stateTransitions(next: ContainerStatus[] | undefined, prev: ContainerStatus[] | undefined, path: string,
  restartPolicy: string, restartable: (name: string) => boolean = () => false): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  (prev ?? []).forEach((old, i) => {
    const term = old.state?.terminated;
    if (!term) return;
    if (term.exitCode !== 0 && restartPolicy === 'OnFailure') return;
    if (restartable(old.name)) return;
    for (const n of next ?? []) {
      if (n.name === old.name && !n.state?.terminated) errs.push(field.forbidden(child(index(path, i), 'state'), 'may not be transitioned to non-terminated state'));
    }
  });
  return errs;
}

function validateIPList(list: Array<{ ip?: string }> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ips = (list ?? []).map((p) => p.ip ?? '');
  ips.forEach((ip, i) => errs.push(...isValidIP(index(path, i), ip)));
  if (ips.length > 1 && !errs.length) {
    if (!isDualStack(ips) || ips.length > 2) errs.push(field.invalid(path, list, 'may specify no more than one IP for each IP family'));
    const seen = new Set<string>();
    ips.forEach((ip, i) => { if (seen.has(ip)) errs.push(field.duplicate(index(path, i), list![i])); seen.add(ip); });
  }
  return errs;
}

export function validatePodStatusUpdate(next: Pod, prev: Pod): FieldError[] {
  const errs = [...validateObjectMetaUpdate(next.metadata, prev.metadata), ...annotationUpdates(next, prev)];
  const system = new Set(['PodScheduled', 'Ready', 'Initialized']);
  (next.status?.conditions ?? []).forEach((c, i) => {
    if (!system.has(c.type)) errs.push(...validateLabelName(c.type, `metadata.conditions[${i}].Type`));
  });
  if ((next.spec?.nodeName ?? '') !== (prev.spec?.nodeName ?? '')) errs.push(field.forbidden('status.nodeName', 'may not be changed directly'));
  const nominated = next.status?.nominatedNodeName;
  if (nominated && nominated !== prev.status?.nominatedNodeName) {
    errs.push(...nameIsDNSSubdomain(nominated, false).map((m) => field.invalid('status.nominatedNodeName', nominated, m)));
  }
  errs.push(...validateImmutable(next.status?.qosClass ?? '', prev.status?.qosClass ?? '', 'status.qosClass'));
  const rp = prev.spec?.restartPolicy ?? '';
  const sidecars = new Set((prev.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  errs.push(...stateTransitions(next.status?.containerStatuses, prev.status?.containerStatuses, 'status.containerStatuses', rp));
  errs.push(...stateTransitions(next.status?.initContainerStatuses, prev.status?.initContainerStatuses, 'status.initContainerStatuses', rp, (n) => sidecars.has(n)));
  errs.push(...stateTransitions(next.status?.ephemeralContainerStatuses, prev.status?.ephemeralContainerStatuses, 'status.ephemeralContainerStatuses', 'Never'));
  errs.push(...validateIPList(next.status?.podIPs, 'status.podIPs'));
  const hostIPs = next.status?.hostIPs ?? [];
  if (hostIPs.length && (next.status?.hostIP ?? '') !== hostIPs[0].ip) {
    errs.push(field.invalid('status.hostIPs[0].ip', hostIPs[0].ip, 'must be equal to `hostIP`'));
  }
  errs.push(...validateIPList(hostIPs, 'status.hostIPs'));
  return errs;
}

export { goStringSlice };
