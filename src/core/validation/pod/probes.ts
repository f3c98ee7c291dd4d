// Probes and lifecycle handlers: exactly one handler each, well-formed actions, sane timings.
import { field, type FieldError } from '../../errors.js';
import type { Lifecycle, Probe } from 'kubernetes-types/core/v1.js';
import { validateNonnegative } from '../meta.js';
import { isHTTPHeaderName, isValidPortName, isValidPortNum } from '../names.js';
import { child } from '../path.js';
import type { Src } from '../volume-sources.js';

/** IntOrString ports: numbers must be valid port numbers, strings valid port names. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => field.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => field.invalid(path, port, m));
  return [field.invalid(path, port ?? 0, 'must be between 1 and 65535, inclusive')];
}

function validateHTTPGet(h: Src, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!h.path) errs.push(field.required(child(path, 'path'), ''));
  errs.push(...validatePortNumOrName(h.port, child(path, 'port')));
  if (h.scheme !== 'HTTP' && h.scheme !== 'HTTPS') errs.push(field.notSupported(child(path, 'scheme'), h.scheme ?? '', ['HTTP', 'HTTPS']));
  for (const hdr of h.httpHeaders ?? []) {
    errs.push(...isHTTPHeaderName(hdr.name ?? '').map((m) => field.invalid(child(path, 'httpHeaders'), hdr.name ?? '', m)));
  }
  return errs;
}

function validateSleep(s: Src, gracePeriod: number | undefined, path: string): FieldError[] {
  const secs = s.seconds ?? 0;
  if (gracePeriod !== undefined && (secs < 0 || secs > gracePeriod)) {
    return [field.invalid(path, secs, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`)];
  }
  return [];
}

const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'] as const;

function validateHandler(h: Src, allowed: readonly string[], gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const kind of HANDLERS) {
    const a = allowed.includes(kind) ? h[kind] : undefined;
    if (a === undefined || a === null) continue;
    const p = child(path, kind);
    if (n > 0) { errs.push(field.forbidden(p, 'may not specify more than 1 handler type')); continue; }
    n++;
    switch (kind) {
      case 'exec': if (!(a.command ?? []).length) errs.push(field.required(child(p, 'command'), '')); break;
      case 'httpGet': errs.push(...validateHTTPGet(a, p)); break;
      case 'tcpSocket': errs.push(...validatePortNumOrName(a.port, child(p, 'port'))); break;
      case 'grpc': errs.push(...validatePortNumOrName(Number(a.port ?? 0), child(p, 'port'))); break;
      case 'sleep': errs.push(...validateSleep(a, gracePeriod, p)); break;
    }
  }
  if (n === 0) errs.push(field.required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: Probe, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs = validateHandler(probe as Src, ['exec', 'httpGet', 'tcpSocket', 'grpc'], gracePeriod, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...validateNonnegative(probe[f], child(path, f)));
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (tgps != null && tgps <= 0) errs.push(field.invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  return errs;
}

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

export function validateProbeOfKind(kind: ProbeKind, probe: Probe | undefined, gracePeriod: number | undefined, path: string): FieldError[] {
  if (!probe) return [];
  const errs = validateProbe(probe, gracePeriod, path);
  if (kind !== 'readinessProbe' && probe.successThreshold !== 1) {
    errs.push(field.invalid(child(path, 'successThreshold'), probe.successThreshold ?? 0, 'must be 1'));
  }
  if (kind === 'readinessProbe' && probe.terminationGracePeriodSeconds != null) {
    errs.push(field.invalid(child(path, 'terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

export function validateLifecycle(lc: Lifecycle, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const allowed = ['exec', 'httpGet', 'tcpSocket', 'sleep'];
  if (lc.postStart) errs.push(...validateHandler(lc.postStart as Src, allowed, gracePeriod, child(path, 'postStart')));
  if (lc.preStop) errs.push(...validateHandler(lc.preStop as Src, allowed, gracePeriod, child(path, 'preStop')));
  return errs;
}
