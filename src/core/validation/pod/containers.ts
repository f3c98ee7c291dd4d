// Container lists: regular, init (sidecars are init containers with restartPolicy Always) and
// ephemeral, with name uniqueness across them and host port conflicts.
import { field, type FieldError } from '../../errors.js';
import type { Container, EphemeralContainer } from 'kubernetes-types/core/v1.js';
import { isZeroValue } from '../meta.js';
import { child, index } from '../path.js';
import { validateContainerCommon, type ContainerContext } from './containers-common.js';
import { validateLifecycle, validateProbeOfKind } from './probes.js';

function hostPortConflicts(containers: readonly Container[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((port, pi) => {
      if (!port.hostPort) return;
      const k = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${port.hostPort}`;
      if (seen.has(k)) errs.push(field.duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), k));
      else seen.add(k);
    });
  });
  return errs;
}

function probesAndLifecycle(ctr: Container, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ctr.lifecycle) errs.push(...validateLifecycle(ctr.lifecycle, gracePeriod, child(path, 'lifecycle')));
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    errs.push(...validateProbeOfKind(kind, ctr[kind], gracePeriod, child(path, kind)));
  }
  return errs;
}

export function validateContainers(containers: Container[] | undefined, ctx: ContainerContext, gracePeriod: number | undefined,
  path: string): FieldError[] {
  if (!containers?.length) return [field.required(path, '')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((ctr, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(ctr, ctx, p));
    if (names.has(ctr.name)) errs.push(field.duplicate(child(p, 'name'), ctr.name));
    else names.add(ctr.name);
    errs.push(...probesAndLifecycle(ctr, gracePeriod, p));
    if (ctr.restartPolicy != null) errs.push(field.forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  return [...errs, ...hostPortConflicts(containers, path)];
}

export function validateInitContainers(inits: Container[] | undefined, regular: Container[] | undefined, ctx: ContainerContext,
  gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((regular ?? []).map((c) => c.name));
  (inits ?? []).forEach((ctr, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(ctr, ctx, p));
    let restartAlways = false;
    if (ctr.restartPolicy != null) {
      if (ctr.restartPolicy !== 'Always') errs.push(field.notSupported(child(p, 'restartPolicy'), ctr.restartPolicy, ['Always']));
      restartAlways = ctr.restartPolicy === 'Always';
    }
    if (names.has(ctr.name)) errs.push(field.duplicate(child(p, 'name'), ctr.name));
    else if (ctr.name) names.add(ctr.name);
    errs.push(...hostPortConflicts([ctr], path));
    if (restartAlways) errs.push(...probesAndLifecycle(ctr, gracePeriod, p));
    else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (ctr[f]) errs.push(field.forbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

// Fields an ephemeral container may carry; anything else set is Forbidden.
const EPHEMERAL_ALLOWED = new Set(['name', 'image', 'command', 'args', 'workingDir', 'envFrom', 'env', 'volumeMounts',
  'volumeDevices', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin',
  'stdinOnce', 'tty', 'targetContainerName']);

export function validateEphemeralContainers(ecs: EphemeralContainer[] | undefined, regular: Container[] | undefined,
  inits: Container[] | undefined, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!ecs?.length) return errs;
  const others = new Set([...(regular ?? []), ...(inits ?? [])].map((c) => c.name));
  const all = new Set(others);
  ecs.forEach((ec, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(ec as Container, ctx, p));
    if (ec.image && ec.image.trim() !== ec.image) errs.push(field.invalid(child(p, 'image'), ec.image, 'must not have leading or trailing whitespace'));
    if (all.has(ec.name)) errs.push(field.duplicate(child(p, 'name'), ec.name));
    else all.add(ec.name);
    if (ec.targetContainerName && !others.has(ec.targetContainerName)) errs.push(field.notFound(child(p, 'targetContainerName'), ec.targetContainerName));
    for (const [k, v] of Object.entries(ec)) {
      if (EPHEMERAL_ALLOWED.has(k) || isZeroValue(v)) continue;
      errs.push(field.forbidden(child(p, k), 'cannot be set for an Ephemeral Container'));
    }
    (ec.volumeMounts ?? []).forEach((vm, j) => {
      const mp = index(child(p, 'volumeMounts'), j);
      if (vm.subPath) errs.push(field.forbidden(child(mp, 'subPath'), 'cannot be set for an Ephemeral Container'));
      if (vm.subPathExpr) errs.push(field.forbidden(child(mp, 'subPathExpr'), 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}
