// clusterIP/clusterIPs/ipFamilies/ipFamilyPolicy rules (ValidateServiceClusterIPsRelatedFields)
// and what an update may do to them (upgrade to / downgrade from dual-stack only).
import type { ServiceSpec } from 'kubernetes-types/core/v1.js';
import { field, type FieldError } from '../../../core/index.js';
import { goStringSlice, index, isDualStack, isIPv6String, isValidIP } from '../../../core/validation/index.js';

const FAMILIES = ['IPv4', 'IPv6'];
const POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

export function validateClusterIPFields(spec: ServiceSpec, headless: boolean): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? [];
  const shown = goStringSlice(spec.clusterIPs);
  if (spec.clusterIP) {
    if (!ips.length) errs.push(field.required('spec.clusterIPs', ''));
    else if (ips[0] !== spec.clusterIP) errs.push(field.invalid('spec.clusterIPs', shown, 'first value must match `clusterIP`'));
  } else if (ips.length) errs.push(field.invalid('spec.clusterIPs', shown, 'must be empty when `clusterIP` is not specified'));
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (!FAMILIES.includes(f)) errs.push(field.notSupported(index('spec.ipFamilies', i), f, FAMILIES));
    if (seen.has(f)) errs.push(field.duplicate(index('spec.ipFamilies', i), f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy != null && !POLICIES.includes(spec.ipFamilyPolicy)) errs.push(field.notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, POLICIES));
  let invalidIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) { invalidIPs = true; errs.push(field.invalid('spec.clusterIPs', shown, "'None' must be the first and only value")); }
      return;
    }
    const e = isValidIP(index('spec.clusterIPs', i), ip);
    if (e.length) invalidIPs = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(field.invalid('spec.clusterIPs', shown, 'may only hold up to 2 values'));
  if (invalidIPs) return errs;
  if (ips.length > 1 && !isDualStack(ips)) errs.push(field.invalid('spec.clusterIPs', shown, 'may specify no more than one IP for each IP family'));
  const fams = spec.ipFamilies ?? [];
  if (!headless && ips.length && fams.length) {
    ips.forEach((ip, i) => {
      if (i > fams.length - 1) return;
      if (fams[i] === 'IPv4' && isIPv6String(ip)) errs.push(field.invalid(index('spec.clusterIPs', i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (fams[i] === 'IPv6' && !isIPv6String(ip)) errs.push(field.invalid(index('spec.clusterIPs', i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** ClusterIPs and families may only gain or lose their secondary entry; the primary is fixed. */
export function validateUpgradeDowngrade(next: ServiceSpec, prev: ServiceSpec, headless: (s: ServiceSpec) => boolean): FieldError[] {
  if (next.type === 'ExternalName' || prev.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const nIPs = next.clusterIPs ?? [];
  const pIPs = prev.clusterIPs ?? [];
  const shownIPs = goStringSlice(next.clusterIPs);
  const singleStack = next.ipFamilyPolicy === 'SingleStack';
  if (!(headless(prev) && headless(next))) {
    if (pIPs.length === nIPs.length) {
      pIPs.forEach((ip, i) => { if (ip !== nIPs[i]) errs.push(field.invalid(index('spec.clusterIPs', i), shownIPs, 'may not change once set')); });
    } else if (pIPs.length > nIPs.length) {
      if (!nIPs.length) errs.push(field.invalid('spec.clusterIPs[0]', shownIPs, 'primary clusterIP can not be unset'));
      if (pIPs.length && nIPs.length && nIPs[0] !== pIPs[0]) errs.push(field.invalid('spec.clusterIPs[0]', shownIPs, 'may not change once set'));
      if (nIPs.length === 1 && !singleStack) {
        errs.push(field.invalid('spec.ipFamilyPolicy', next.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
      }
    } else if (pIPs.length && nIPs[0] !== pIPs[0]) errs.push(field.invalid('spec.clusterIPs[0]', shownIPs, 'may not change once set'));
  }
  if (headless(next) !== headless(prev) || headless(next)) return errs;
  const nF = next.ipFamilies ?? [];
  const pF = prev.ipFamilies ?? [];
  const shownF = goStringSlice(next.ipFamilies, '[]core.IPFamily');
  if (pF.length === nF.length) {
    pF.forEach((f, i) => { if (f !== nF[i]) errs.push(field.invalid('spec.ipFamilies[0]', shownF, 'may not change once set')); });
  } else if (pF.length > nF.length) {
    if (!nIPs.length) errs.push(field.invalid('spec.ipFamilies[0]', shownF, 'primary ipFamily can not be unset'));
    if (nF.length && nF[0] !== pF[0]) errs.push(field.invalid('spec.ipFamilies[0]', shownIPs, 'may not change once set'));
    if (nF.length === 1 && !singleStack) {
      errs.push(field.invalid('spec.ipFamilyPolicy', next.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (pF.length && nF.length && nF[0] !== pF[0]) errs.push(field.invalid('spec.ipFamilies[0]', shownIPs, 'may not change once set'));
  return errs;
}
