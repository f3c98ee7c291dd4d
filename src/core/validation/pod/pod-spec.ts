// PodSpec and PodTemplateSpec validation (upstream ValidatePodSpec / ValidatePodTemplateSpec).
import { field, type FieldError } from '../../errors.js';
import type { PodSpec, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { GoValue, goStringSlice } from '../govalue.js';
import { isValidIP } from '../ip.js';
import { inclusiveRangeError } from '../messages.js';
import { validateAnnotations, validateLabelName, validateLabels } from '../meta.js';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain } from '../names.js';
import { child, index, key } from '../path.js';
import { validateResourceRequirements } from '../resources.js';
import { validateLocalDescendingPath } from '../volume-sources.js';
import { validateContainers, validateEphemeralContainers, validateInitContainers } from './containers.js';
import type { PodValidationOptions } from './options.js';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './scheduling.js';
import { validateHostUsers, validatePodSecurityContext } from './security.js';
import { validateVolumes } from './volumes.js';

const MAX_INT32 = 2147483647;
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

function validateRestartPolicy(policy: string | undefined, path: string): FieldError[] {
  if (policy === 'Always' || policy === 'OnFailure' || policy === 'Never') return [];
  if (!policy) return [field.required(path, '')];
  return [field.notSupported(path, policy, ['Always', 'OnFailure', 'Never'])];
}

function validateDNSPolicy(policy: string | undefined, path: string): FieldError[] {
  if (DNS_POLICIES.includes(policy ?? '')) return [];
  if (!policy) return [field.required(path, '')];
  return [field.notSupported(path, policy, DNS_POLICIES)];
}

function validateDNSConfig(spec: PodSpec, path: string): FieldError[] {
  const cfg = spec.dnsConfig;
  if (spec.dnsPolicy === 'None') {
    if (!cfg) return [field.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (!(cfg.nameservers ?? []).length) return [field.required(child(path, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!cfg) return [];
  const errs: FieldError[] = [];
  const ns = cfg.nameservers ?? [];
  if (ns.length > 3) errs.push(field.invalid(child(path, 'nameservers'), goStringSlice(ns), 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => errs.push(...isValidIP(index(child(path, 'nameservers'), i), n)));
  const searches = cfg.searches ?? [];
  if (searches.length > 32) errs.push(field.invalid(child(path, 'searches'), goStringSlice(searches), 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) {
    errs.push(field.invalid(child(path, 'searches'), goStringSlice(searches), 'must not have more than 2048 characters (including spaces) in the search list'));
  }
  // RelaxedDNSSearchValidation (on in 1.33): "." and underscores are allowed.
  searches.forEach((s, i) => {
    if (s === '.') return;
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    const ok = trimmed.length <= 253 && /^_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*$/.test(trimmed);
    if (!ok) {
      errs.push(field.invalid(index(child(path, 'searches'), i), trimmed,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')"));
    }
  });
  (cfg.options ?? []).forEach((o, i) => { if (!o.name) errs.push(field.required(index(child(path, 'options'), i), 'must not be empty')); });
  return errs;
}

function validateHostNetworkDeps(spec: PodSpec, path: string, opts: PodValidationOptions): FieldError[] {
  if (!spec.hostNetwork) return [];
  const errs: FieldError[] = [];
  (spec.containers ?? []).forEach((c, i) => (c.ports ?? []).forEach((port, j) => {
    const hp = port.hostPort ?? 0;
    if ((opts.resourceIsPod || hp !== 0) && hp !== port.containerPort) {
      errs.push(field.invalid(child(index(child(index(child(path, 'containers'), i), 'ports'), j), 'hostPort'), hp,
        'must match `containerPort` when `hostNetwork` is true'));
    }
  }));
  return errs;
}

function validatePodResourceClaims(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (spec.resourceClaims ?? []).forEach((c, i) => {
    const p = index(path, i);
    if (!c.name) errs.push(field.required(child(p, 'name'), ''));
    else if (names.has(c.name)) errs.push(field.duplicate(child(p, 'name'), c.name));
    else { errs.push(...isDNS1123Label(c.name).map((m) => field.invalid(child(p, 'name'), c.name, m))); names.add(c.name); }
    const a = c as { resourceClaimName?: string; resourceClaimTemplateName?: string };
    if (a.resourceClaimName != null && a.resourceClaimTemplateName != null) {
      errs.push(field.invalid(p, c, 'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified'));
    }
    if (a.resourceClaimName == null && a.resourceClaimTemplateName == null) {
      errs.push(field.invalid(p, c, 'must specify one of: `resourceClaimName`, `resourceClaimTemplateName`'));
    }
  });
  return errs;
}

const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';
const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';
const APPARMOR_CONTAINER = 'container.apparmor.security.beta.kubernetes.io/';

function validateSeccompAnnotation(p: string, path: string): FieldError[] {
  if (p === 'runtime/default' || p === 'docker/default' || p === 'unconfined') return [];
  if (p.startsWith('localhost/')) return validateLocalDescendingPath(p.slice('localhost/'.length), path);
  return [field.invalid(path, p, 'must be a valid seccomp profile')];
}

export function validatePodSpecificAnnotations(annotations: Record<string, string> | undefined, spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const a = annotations ?? {};
  if ('kubernetes.io/config.mirror' in a && !spec.nodeName) {
    errs.push(field.invalid(key(path, 'kubernetes.io/config.mirror'), a['kubernetes.io/config.mirror'], 'must set spec.nodeName if mirror pod annotation is set'));
  }
  if (DELETION_COST in a) {
    const v = a[DELETION_COST];
    const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
    if (!(n >= -2147483648 && n <= MAX_INT32)) errs.push(field.invalid(key(path, DELETION_COST), v, 'must be a 32bit integer'));
  }
  if (SECCOMP_POD in a) errs.push(...validateSeccompAnnotation(a[SECCOMP_POD], child(path, SECCOMP_POD)));
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  for (const [k, v] of Object.entries(a)) {
    if (k.startsWith(SECCOMP_CONTAINER)) errs.push(...validateSeccompAnnotation(v, child(path, k)));
    if (!k.startsWith(APPARMOR_CONTAINER)) continue;
    const name = k.slice(APPARMOR_CONTAINER.length);
    if (!containers.includes(name)) errs.push(field.invalid(key(path, k), name, 'container not found'));
    if (v !== '' && v !== 'runtime/default' && v !== 'unconfined' && !v.startsWith('localhost/')) {
      errs.push(field.invalid(key(path, k), v, `invalid AppArmor profile name: ${JSON.stringify(v)}`));
    }
  }
  return errs;
}

/** ValidatePodSpec: podMeta is passed only for real pods (generic ephemeral volume names). */
export function validatePodSpec(spec: PodSpec, path: string, podMeta?: ObjectMeta, opts: PodValidationOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.terminationGracePeriodSeconds == null) errs.push(field.required(child(path, 'terminationGracePeriodSeconds'), ''));
  const grace = spec.terminationGracePeriodSeconds ?? undefined;
  const hostUsers = spec.hostUsers !== false;
  const { volumes, errs: vErrs } = validateVolumes(spec.volumes, podMeta?.name || undefined, child(path, 'volumes'), opts);
  errs.push(...vErrs);
  const podClaimNames = new Set((spec.resourceClaims ?? []).map((c) => c.name).filter(Boolean));
  errs.push(...validatePodResourceClaims(spec, child(path, 'resourceClaims')));
  const ctx = { volumes, podClaimNames, podRestartPolicy: spec.restartPolicy ?? '', hostUsers };
  errs.push(...validateContainers(spec.containers, ctx, grace, child(path, 'containers')));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, ctx, grace, child(path, 'initContainers')));
  errs.push(...validateEphemeralContainers(spec.ephemeralContainers, spec.containers, spec.initContainers, ctx, child(path, 'ephemeralContainers')));
  errs.push(...validateHostNetworkDeps(spec, path, opts));
  errs.push(...validateRestartPolicy(spec.restartPolicy, child(path, 'restartPolicy')));
  errs.push(...validateDNSPolicy(spec.dnsPolicy, child(path, 'dnsPolicy')));
  errs.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  errs.push(...validatePodSecurityContext(spec, path));
  (spec.imagePullSecrets ?? []).forEach((s, i) => {
    if (Object.keys(s).some((k) => k !== 'name')) errs.push(field.invalid(index(child(path, 'imagePullSecrets'), i), s, 'only name may be set'));
  });
  errs.push(...validateAffinity(spec.affinity, child(path, 'affinity')));
  errs.push(...validateDNSConfig(spec, child(path, 'dnsConfig')));
  (spec.readinessGates ?? []).forEach((g, i) => errs.push(...validateLabelName(g.conditionType ?? '', child(index(child(path, 'readinessGates'), i), 'conditionType'))));
  const gates = new Set<string>();
  (spec.schedulingGates ?? []).forEach((g, i) => {
    const p = index(child(path, 'schedulingGates'), i);
    errs.push(...validateLabelName(g.name ?? '', p));
    if (gates.has(g.name)) errs.push(field.duplicate(p, g.name));
    gates.add(g.name);
  });
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, child(path, 'topologySpreadConstraints')));
  errs.push(...validateHostUsers(spec, path));
  if (spec.serviceAccountName) {
    errs.push(...nameIsDNSSubdomain(spec.serviceAccountName, false).map((m) => field.invalid(child(path, 'serviceAccountName'), spec.serviceAccountName, m)));
  }
  if (spec.nodeName) errs.push(...nameIsDNSSubdomain(spec.nodeName, false).map((m) => field.invalid(child(path, 'nodeName'), spec.nodeName, m)));
  if (spec.activeDeadlineSeconds != null) {
    const v = spec.activeDeadlineSeconds;
    if (v < 1 || v > MAX_INT32) errs.push(field.invalid(child(path, 'activeDeadlineSeconds'), v, inclusiveRangeError(1, MAX_INT32)));
  }
  if (spec.hostname) errs.push(...isDNS1123Label(spec.hostname).map((m) => field.invalid(child(path, 'hostname'), spec.hostname, m)));
  if (spec.subdomain) errs.push(...isDNS1123Label(spec.subdomain).map((m) => field.invalid(child(path, 'subdomain'), spec.subdomain, m)));
  errs.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')));
  (spec.hostAliases ?? []).forEach((h, i) => {
    const p = index(child(path, 'hostAliases'), i);
    errs.push(...isValidIP(child(p, 'ip'), h.ip ?? ''));
    (h.hostnames ?? []).forEach((hn, j) => errs.push(...isDNS1123Subdomain(hn).map((m) => field.invalid(index(child(p, 'hostnames'), j), hn, m))));
  });
  if (spec.priorityClassName) {
    errs.push(...nameIsDNSSubdomain(spec.priorityClassName, false).map((m) => field.invalid(child(path, 'priorityClassName'), spec.priorityClassName, m)));
  }
  if (spec.runtimeClassName != null) {
    errs.push(...nameIsDNSSubdomain(spec.runtimeClassName, false).map((m) => field.invalid(child(path, 'runtimeClassName'), spec.runtimeClassName, m)));
  }
  if (spec.preemptionPolicy != null) {
    const pp = child(path, 'preemptionPolicy');
    if (!spec.preemptionPolicy) errs.push(field.required(pp, ''));
    else if (spec.preemptionPolicy !== 'PreemptLowerPriority' && spec.preemptionPolicy !== 'Never') {
      errs.push(field.notSupported(pp, spec.preemptionPolicy, ['PreemptLowerPriority', 'Never']));
    }
  }
  if (spec.overhead) errs.push(...validateResourceRequirements({ limits: spec.overhead }, child(path, 'overhead')));
  if (spec.os) {
    const op = child(path, 'os');
    if (!spec.os.name) errs.push(field.required(child(op, 'name'), 'cannot be empty'));
    else if (spec.os.name !== 'linux' && spec.os.name !== 'windows') errs.push(field.notSupported(op, spec.os.name, ['linux', 'windows']));
  }
  return errs;
}

export function validatePodTemplateSpec(tpl: PodTemplateSpec | undefined, path: string, opts: PodValidationOptions = {}): FieldError[] {
  const t = tpl ?? {};
  const spec = t.spec ?? ({} as PodSpec);
  const meta = t.metadata ?? {};
  const errs = [
    ...validateLabels(meta.labels, child(path, 'labels')),
    ...validateAnnotations(meta.annotations, child(path, 'annotations')),
    ...validatePodSpecificAnnotations(meta.annotations, spec, child(path, 'annotations')),
    ...validatePodSpec(spec, child(path, 'spec'), undefined, opts),
  ];
  if ((spec.ephemeralContainers ?? []).length) {
    errs.push(field.forbidden(child(path, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

export { GoValue };
