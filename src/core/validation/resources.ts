// Resource names, quantities and requirements (core validation + apis/core/helper), and the
// pod QoS class computed from them.
import { field, type FieldError } from '../errors.js';
import { QUANTITY_FORMAT_ERROR, QuantityParseError, parseQuantity, type Quantity } from '../quantity.js';
import type { ResourceRequirements } from 'kubernetes-types/core/v1.js';
import { GoValue } from './govalue.js';
import { IS_NEGATIVE, NOT_INTEGER, NOT_POSITIVE } from './messages.js';
import { isQualifiedName, isDNS1123Label } from './names.js';
import { child, index, key } from './path.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services',
  'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'storage', 'requests.storage',
  'services.nodeports', 'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers',
]);

export type ResourceList = Record<string, string | number>;

export const isHugePageResourceName = (n: string): boolean => n.startsWith('hugepages-');
const isQuotaHugePageResourceName = (n: string): boolean => n.startsWith('requests.hugepages-');
export const isNativeResource = (n: string): boolean => !n.includes('/') || n.includes('kubernetes.io/');
export function isExtendedResourceName(n: string): boolean {
  if (isNativeResource(n) || n.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${n}`).length === 0;
}
/** CPU, memory and other native resources may be overcommitted; hugepages and extended ones not. */
export const isOvercommitAllowed = (n: string): boolean => isNativeResource(n) && !isHugePageResourceName(n);
const isIntegerResourceName = (n: string): boolean => INTEGER_RESOURCES.has(n) || isExtendedResourceName(n);

/** Parse a quantity from an object; a bad one becomes a field error (upstream fails decoding). */
export function quantityAt(raw: unknown, path: string, errs: FieldError[]): Quantity | undefined {
  try {
    return parseQuantity(raw as string);
  } catch (e) {
    errs.push(field.invalid(path, raw, e instanceof QuantityParseError ? e.message : QUANTITY_FORMAT_ERROR));
    return undefined;
  }
}

export function validateNonnegativeQuantity(q: Quantity, path: string): FieldError[] {
  return q.sign() < 0 ? [field.invalid(path, q.toString(), IS_NEGATIVE)] : [];
}

export function validatePositiveQuantityValue(q: Quantity, path: string): FieldError[] {
  return q.sign() <= 0 ? [field.invalid(path, q.toString(), NOT_POSITIVE)] : [];
}

export function validateResourceQuantityValue(resource: string, q: Quantity, path: string): FieldError[] {
  const errs = validateNonnegativeQuantity(q, path);
  if (isIntegerResourceName(resource) && q.milliValue() % 1000n !== 0n) errs.push(field.invalid(path, new GoValue(q.toString()), NOT_INTEGER));
  return errs;
}

/** Negative values are not resources at all (PV capacity, PVC status). */
export function validateBasicResource(q: Quantity, path: string): FieldError[] {
  const v = q.value();
  return v < 0n ? [field.invalid(path, Number(v), 'must be a valid resource quantity')] : [];
}

export function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => field.invalid(path, name, m));
  if (errs.length) return errs;
  if (!name.includes('/') && !STANDARD_RESOURCES.has(name) && !isQuotaHugePageResourceName(name)) {
    errs.push(field.invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
  return errs;
}

export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePageResourceName(name)) {
      errs.push(field.invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(field.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function hugePageValueError(name: string, q: Quantity): string | undefined {
  const size = (() => {
    try { return parseQuantity(name.slice('hugepages-'.length)).value(); } catch { return 0n; }
  })();
  if (size > 0n && q.value() > 0n && q.value() % size === 0n) return undefined;
  return `${q.toString()} is not positive integer multiple of ${name}`;
}

/**
 * Container resource requirements: names, quantities, requests <= limits (equal for
 * non-overcommittable resources), hugepages rules, and claims naming pod resource claims.
 */
export function validateResourceRequirements(req: ResourceRequirements | undefined, path: string,
  podClaimNames: ReadonlySet<string> = new Set()): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = new Map<string, Quantity>();
  let limCpuMem = false; let reqCpuMem = false; let limHuge = false; let reqHuge = false;
  for (const [name, raw] of Object.entries((req?.limits ?? {}) as ResourceList)) {
    const p = key(limPath, name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityAt(raw, p, errs);
    if (!q) continue;
    limits.set(name, q);
    errs.push(...validateResourceQuantityValue(name, q, p));
    if (isHugePageResourceName(name)) {
      limHuge = true;
      const m = hugePageValueError(name, q);
      if (m) errs.push(field.invalid(p, q.toString(), m));
    }
    if (name === 'cpu' || name === 'memory') limCpuMem = true;
  }
  for (const [name, raw] of Object.entries((req?.requests ?? {}) as ResourceList)) {
    const p = key(reqPath, name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityAt(raw, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const limit = limits.get(name);
    if (limit) {
      if (q.cmp(limit) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(field.invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
      } else if (q.cmp(limit) > 0) {
        errs.push(field.invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(field.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) {
      reqHuge = true;
      const m = hugePageValueError(name, q);
      if (m) errs.push(field.invalid(p, q.toString(), m));
    }
    if (name === 'cpu' || name === 'memory') reqCpuMem = true;
  }
  if (!limCpuMem && !reqCpuMem && (reqHuge || limHuge)) errs.push(field.forbidden(path, 'HugePages require cpu or memory'));
  errs.push(...validateResourceClaimNames(req?.claims, podClaimNames, child(path, 'claims')));
  return errs;
}

function validateResourceClaimNames(claims: ResourceRequirements['claims'], podClaimNames: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (claims ?? []).forEach((c, i) => {
    const p = index(path, i);
    if (!c.name) { errs.push(field.required(p, '')); return; }
    if (seen.has(c.name)) { errs.push(field.duplicate(p, c.name)); return; }
    let k = c.name;
    const request = (c as { request?: string }).request;
    if (request) {
      errs.push(...isDNS1123Label(request).map((m) => field.invalid(child(p, 'request'), request, m)));
      k += `/${request}`;
    }
    if (seen.has(k)) errs.push(field.duplicate(p, k));
    else if (!request) {
      for (const s of seen) if (s.includes('/') && s.slice(0, s.indexOf('/')) === c.name) errs.push(field.duplicate(p, c.name));
    }
    seen.add(k);
    if (!podClaimNames.has(c.name)) {
      const names = [...podClaimNames].sort();
      const detail = `must be one of the names in pod.spec.resourceClaims${names.length ? `: ${names.join(', ')}` : ' which is empty'}`;
      errs.push({ ...field.notFound(p, c.name), detail });
    }
  });
  return errs;
}

interface QosContainer { resources?: ResourceRequirements }

/** Upstream qos.ComputePodQOS over init and regular containers (cpu and memory only). */
export function computePodQOS(containers: readonly QosContainer[]): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const accumulate = (m: Map<string, Quantity>, name: string, q: Quantity) => m.set(name, m.get(name)?.add(q) ?? q);
  for (const c of containers) {
    for (const [name, raw] of Object.entries((c.resources?.requests ?? {}) as ResourceList)) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = safeParse(raw);
      if (q && q.sign() > 0) accumulate(requests, name, q);
    }
    const found = new Set<string>();
    for (const [name, raw] of Object.entries((c.resources?.limits ?? {}) as ResourceList)) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = safeParse(raw);
      if (q && q.sign() > 0) { found.add(name); accumulate(limits, name, q); }
    }
    if (!(found.has('cpu') && found.has('memory'))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, q] of requests) {
      const l = limits.get(name);
      if (!l || l.cmp(q) !== 0) { guaranteed = false; break; }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

function safeParse(raw: unknown): Quantity | undefined {
  try { return parseQuantity(raw as string); } catch { return undefined; }
}

/**
 * Defaulting of resource lists (upstream SetDefaults_ResourceList): values are rounded up to
 * milli precision and re-spelt canonically. Unparseable values are left for validation.
 */
export function normalizeResourceList(list: ResourceList | undefined | null): void {
  if (!list) return;
  for (const name of Object.keys(list)) {
    const raw = list[name];
    const q = safeParse(raw);
    if (!q) continue;
    const text = q.roundUp(-3).toString();
    if (text !== raw) list[name] = text;
  }
}

/** Re-spell a single quantity canonically (no rounding), leaving bad text alone. */
export function normalizeQuantity(raw: unknown): unknown {
  return safeParse(raw)?.toString() ?? raw;
}
