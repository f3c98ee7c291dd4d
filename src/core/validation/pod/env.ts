// Environment variables, envFrom, and the downward API selectors they and volumes use.
import { field, type FieldError } from '../../errors.js';
import type { EnvFromSource, EnvVar, ObjectFieldSelector, ResourceFieldSelector } from 'kubernetes-types/core/v1.js';
import { FILE_MODE } from '../messages.js';
import { isConfigMapKey, isQualifiedName, isRelaxedEnvVarName, nameIsDNSSubdomain } from '../names.js';
import { child, index } from '../path.js';
import { tryParseQuantity } from '../../quantity.js';
import { validateLocalNonReservedPath, type Src } from '../volume-sources.js';

const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const CONVERTIBLE_FIELD_PATHS = new Set(['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace',
  'metadata.uid', 'spec.nodeName', 'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs']);
const RESOURCE_FIELD_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu',
  'requests.ephemeral-storage', 'requests.memory'];
const BYTE_DIVISORS = new Set(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei']);
const BYTE_DIVISORS_TEXT = '1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei';

/** `metadata.labels['key']` -> ['metadata.labels', 'key']. */
function splitSubscript(p: string): [string, string] | undefined {
  if (!p.endsWith("']")) return undefined;
  const s = p.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}

export function validateObjectFieldSelector(fs: ObjectFieldSelector, allowed: readonly string[], path: string): FieldError[] {
  if (!fs.apiVersion) return [field.required(child(path, 'apiVersion'), '')];
  if (!fs.fieldPath) return [field.required(child(path, 'fieldPath'), '')];
  let internal = fs.fieldPath;
  const sub = splitSubscript(fs.fieldPath);
  let err: string | undefined;
  if (fs.apiVersion !== 'v1') err = `unsupported pod version: ${fs.apiVersion}`;
  else if (sub) {
    if (sub[0] !== 'metadata.annotations' && sub[0] !== 'metadata.labels') err = `field label does not support subscript: ${fs.fieldPath}`;
  } else if (fs.fieldPath === 'spec.host') internal = 'spec.nodeName';
  else if (!CONVERTIBLE_FIELD_PATHS.has(fs.fieldPath)) err = `field label not supported: ${fs.fieldPath}`;
  if (err) return [field.invalid(child(path, 'fieldPath'), fs.fieldPath, `error converting fieldPath: ${err}`)];
  if (sub) {
    const name = sub[0] === 'metadata.annotations' ? sub[1].toLowerCase() : sub[1];
    return isQualifiedName(name).map((m) => field.invalid(path, name, m));
  }
  return allowed.includes(internal) ? [] : [field.notSupported(child(path, 'fieldPath'), internal, allowed)];
}

function validateResourceDivisor(resource: string, divisor: unknown, path: string): FieldError[] {
  const q = tryParseQuantity(divisor);
  if (!q || q.isZero()) return [];
  const d = q.toString();
  const p = child(path, 'divisor');
  const errs: FieldError[] = [];
  if (resource === 'limits.cpu' || resource === 'requests.cpu') {
    if (d !== '1m' && d !== '1') errs.push(field.invalid(p, resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
  } else if (resource === 'limits.memory' || resource === 'requests.memory') {
    if (!BYTE_DIVISORS.has(d)) errs.push(field.invalid(p, resource, `only divisor's values ${BYTE_DIVISORS_TEXT} are supported with the memory resource`));
  } else if (resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') {
    if (!BYTE_DIVISORS.has(d)) errs.push(field.invalid(p, resource, `only divisor's values ${BYTE_DIVISORS_TEXT} are supported with the local ephemeral storage resource`));
  }
  if ((resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-')) && !BYTE_DIVISORS.has(d)) {
    errs.push(field.invalid(p, resource, `only divisor's values ${BYTE_DIVISORS_TEXT} are supported with the hugepages resource`));
  }
  return errs;
}

export function validateResourceFieldSelector(fs: ResourceFieldSelector, path: string, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const resource = fs.resource ?? '';
  if (volume && !fs.containerName) errs.push(field.required(child(path, 'containerName'), ''));
  else if (!resource) errs.push(field.required(child(path, 'resource'), ''));
  else if (!RESOURCE_FIELD_PATHS.includes(resource)
    && !resource.startsWith('limits.hugepages-') && !resource.startsWith('requests.hugepages-')) {
    errs.push(field.notSupported(child(path, 'resource'), resource, RESOURCE_FIELD_PATHS));
  }
  return [...errs, ...validateResourceDivisor(resource, fs.divisor, path)];
}

export function validateDownwardAPIVolumeFile(file: Src, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!file.path) errs.push(field.required(child(path, 'path'), ''));
  errs.push(...validateLocalNonReservedPath(String(file.path ?? ''), child(path, 'path')));
  if (file.fieldRef) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, VOLUME_FIELD_PATHS, child(path, 'fieldRef')));
    if (file.resourceFieldRef) errs.push(field.invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (file.resourceFieldRef) {
    errs.push(...validateResourceFieldSelector(file.resourceFieldRef, child(path, 'resourceFieldRef'), true));
  } else errs.push(field.required(path, 'one of fieldRef and resourceFieldRef is required'));
  if (file.mode != null && (file.mode > 0o777 || file.mode < 0)) errs.push(field.invalid(child(path, 'mode'), file.mode, FILE_MODE));
  return errs;
}

function validateKeySelector(sel: { name?: string; key: string }, path: string): FieldError[] {
  const name = sel.name ?? '';
  const errs = nameIsDNSSubdomain(name, false).map((m) => field.invalid(child(path, 'name'), name, m));
  if (!sel.key) errs.push(field.required(child(path, 'key'), ''));
  else errs.push(...isConfigMapKey(sel.key).map((m) => field.invalid(child(path, 'key'), sel.key, m)));
  return errs;
}

function validateValueFrom(ev: EnvVar, path: string): FieldError[] {
  const vf = ev.valueFrom;
  if (!vf) return [];
  const errs: FieldError[] = [];
  let n = 0;
  if (vf.fieldRef) { n++; errs.push(...validateObjectFieldSelector(vf.fieldRef, ENV_FIELD_PATHS, child(path, 'fieldRef'))); }
  if (vf.resourceFieldRef) { n++; errs.push(...validateResourceFieldSelector(vf.resourceFieldRef, child(path, 'resourceFieldRef'), false)); }
  if (vf.configMapKeyRef) { n++; errs.push(...validateKeySelector(vf.configMapKeyRef, child(path, 'configMapKeyRef'))); }
  if (vf.secretKeyRef) { n++; errs.push(...validateKeySelector(vf.secretKeyRef, child(path, 'secretKeyRef'))); }
  if (n === 0) errs.push(field.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (ev.value) errs.push(field.invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (n > 1) errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

export function validateEnv(vars: EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const p = index(path, i);
    if (!ev.name) errs.push(field.required(child(p, 'name'), ''));
    else errs.push(...isRelaxedEnvVarName(ev.name).map((m) => field.invalid(child(p, 'name'), ev.name, m)));
    errs.push(...validateValueFrom(ev, child(p, 'valueFrom')));
  });
  return errs;
}

export function validateEnvFrom(vars: EnvFromSource[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const p = index(path, i);
    if (ev.prefix) errs.push(...isRelaxedEnvVarName(ev.prefix).map((m) => field.invalid(child(p, 'prefix'), ev.prefix, m)));
    let n = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = ev[kind];
      if (!ref) continue;
      n++;
      const rp = child(p, kind);
      if (!ref.name) errs.push(field.required(child(rp, 'name'), ''));
      else errs.push(...nameIsDNSSubdomain(ref.name, true).map((m) => field.invalid(child(rp, 'name'), ref.name, m)));
    }
    if (n === 0) errs.push(field.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}
