// Checks every container kind shares (regular, init, ephemeral): name, image, ports, env,
// mounts, devices, pull policy, resources, resize policy, security context.
import { field, type FieldError } from '../../errors.js';
import type { Container, ContainerPort, VolumeDevice, VolumeMount } from 'kubernetes-types/core/v1.js';
import { isDNS1123Label, isValidPortName, isValidPortNum } from '../names.js';
import { child, index } from '../path.js';
import { validateResourceRequirements } from '../resources.js';
import { validateLocalDescendingPath, validatePathNoBacksteps, type Src } from '../volume-sources.js';
import { validateEnv, validateEnvFrom } from './env.js';
import { validateContainerSecurityContext } from './security.js';

export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validatePullPolicy(policy: string, path: string): FieldError[] {
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return [];
  if (!policy) return [field.required(path, '')];
  return [field.notSupported(path, policy, ['Always', 'IfNotPresent', 'Never'])];
}

function validateContainerPorts(ports: ContainerPort[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = index(path, i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) errs.push(...msgs.map((m) => field.invalid(child(p, 'name'), port.name, m)));
      else if (names.has(port.name)) errs.push(field.duplicate(child(p, 'name'), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(field.required(child(p, 'containerPort'), ''));
    else errs.push(...isValidPortNum(port.containerPort).map((m) => field.invalid(child(p, 'containerPort'), port.containerPort, m)));
    if (port.hostPort) errs.push(...isValidPortNum(port.hostPort).map((m) => field.invalid(child(p, 'hostPort'), port.hostPort, m)));
    if (!port.protocol) errs.push(field.required(child(p, 'protocol'), ''));
    else if (!PORT_PROTOCOLS.includes(port.protocol)) errs.push(field.notSupported(child(p, 'protocol'), port.protocol, PORT_PROTOCOLS));
  });
  return errs;
}

function validateVolumeMounts(mounts: VolumeMount[] | undefined, devices: Map<string, string>, volumes: Map<string, Src>,
  ctr: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const points = new Set<string>();
  const devicePaths = new Set(devices.values());
  (mounts ?? []).forEach((mnt, i) => {
    const p = index(path, i);
    if (!mnt.name) errs.push(field.required(child(p, 'name'), ''));
    if (!volumes.has(mnt.name)) errs.push(field.notFound(child(p, 'name'), mnt.name ?? ''));
    if (!mnt.mountPath) errs.push(field.required(child(p, 'mountPath'), ''));
    if (points.has(mnt.mountPath)) errs.push(field.invalid(child(p, 'mountPath'), mnt.mountPath, 'must be unique'));
    points.add(mnt.mountPath);
    if (devices.has(mnt.name)) errs.push(field.invalid(child(p, 'name'), mnt.name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mnt.mountPath)) errs.push(field.invalid(child(p, 'mountPath'), mnt.mountPath, 'must not already exist as a path in volumeDevices'));
    if (volumes.get(mnt.name)?.image) {
      if (mnt.subPath) errs.push(field.invalid(child(p, 'subPath'), mnt.subPath, 'not allowed in image volume sources'));
      if (mnt.subPathExpr) errs.push(field.invalid(child(p, 'subPathExpr'), mnt.subPathExpr, 'not allowed in image volume sources'));
    }
    // Upstream reports subPath problems at the list path, not the item's.
    if (mnt.subPath) errs.push(...validateLocalDescendingPath(mnt.subPath, child(path, 'subPath')));
    if (mnt.subPathExpr) {
      if (mnt.subPath) errs.push(field.invalid(child(p, 'subPathExpr'), mnt.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(mnt.subPathExpr, child(path, 'subPathExpr')));
    }
    if (mnt.mountPropagation) {
      const supported = ['Bidirectional', 'HostToContainer', 'None'];
      const pp = child(path, 'mountPropagation');
      if (!supported.includes(mnt.mountPropagation)) errs.push(field.notSupported(pp, mnt.mountPropagation, supported));
      if (mnt.mountPropagation === 'Bidirectional' && !ctr.securityContext?.privileged) {
        errs.push(field.forbidden(pp, 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
    const rro = mnt.recursiveReadOnly;
    if (rro !== undefined && rro !== null && rro !== 'Disabled') {
      const rp = child(path, 'recursiveReadOnly');
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (!mnt.readOnly) errs.push(field.forbidden(rp, 'may only be specified when readOnly is true'));
        if (mnt.mountPropagation && mnt.mountPropagation !== 'None') {
          errs.push(field.forbidden(rp, 'may only be specified when mountPropagation is None or not specified'));
        }
      } else errs.push(field.notSupported(rp, rro, ['Disabled', 'Enabled', 'IfPossible']));
    }
  });
  return errs;
}

function validateVolumeDevices(devices: VolumeDevice[] | undefined, mounts: Map<string, string>, volumes: Map<string, Src>,
  path: string): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  const names = new Set<string>();
  const mountPaths = new Set(mounts.values());
  (devices ?? []).forEach((dev, i) => {
    const p = index(path, i);
    const vol = volumes.get(dev.name);
    if (!dev.name) errs.push(field.required(child(p, 'name'), ''));
    if (names.has(dev.name)) errs.push(field.invalid(child(p, 'name'), dev.name, 'must be unique'));
    if (vol && !vol.persistentVolumeClaim && !vol.ephemeral) {
      errs.push(field.invalid(child(p, 'name'), dev.name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!vol) errs.push(field.notFound(child(p, 'name'), dev.name ?? ''));
    if (!dev.devicePath) errs.push(field.required(child(p, 'devicePath'), ''));
    if (paths.has(dev.devicePath)) errs.push(field.invalid(child(p, 'devicePath'), dev.devicePath, 'must be unique'));
    if (dev.devicePath && validatePathNoBacksteps(dev.devicePath, '').length) {
      errs.push(field.invalid(child(p, 'devicePath'), dev.devicePath, "can not contain backsteps ('..')"));
    } else paths.add(dev.devicePath);
    if (mounts.has(dev.name)) errs.push(field.invalid(child(p, 'name'), dev.name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(dev.devicePath)) errs.push(field.invalid(child(p, 'devicePath'), dev.devicePath, 'must not already exist as a path in volumeMounts'));
    if (dev.name) names.add(dev.name);
  });
  return errs;
}

function validateResizePolicy(policies: Container['resizePolicy'], path: string, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (policies ?? []).forEach((pol, i) => {
    if (seen.has(pol.resourceName)) errs.push(field.duplicate(index(path, i), pol.resourceName));
    seen.add(pol.resourceName);
    if (!pol.resourceName) errs.push(field.required(path, ''));
    else if (pol.resourceName !== 'cpu' && pol.resourceName !== 'memory') errs.push(field.notSupported(path, pol.resourceName, ['cpu', 'memory']));
    if (!pol.restartPolicy) errs.push(field.required(path, ''));
    else if (pol.restartPolicy !== 'NotRequired' && pol.restartPolicy !== 'RestartContainer') {
      errs.push(field.notSupported(path, pol.restartPolicy, ['NotRequired', 'RestartContainer']));
    }
    if (podRestartPolicy === 'Never' && pol.restartPolicy !== 'NotRequired') {
      errs.push(field.invalid(path, pol.restartPolicy, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  });
  return errs;
}

export interface ContainerContext {
  readonly volumes: Map<string, Src>;
  readonly podClaimNames: ReadonlySet<string>;
  readonly podRestartPolicy: string;
  readonly hostUsers: boolean;
}

export function validateContainerCommon(ctr: Container, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const namePath = child(path, 'name');
  if (!ctr.name) errs.push(field.required(namePath, ''));
  else errs.push(...isDNS1123Label(ctr.name).map((m) => field.invalid(namePath, ctr.name, m)));
  if (!ctr.image) errs.push(field.required(child(path, 'image'), ''));
  const tmp = ctr.terminationMessagePolicy;
  if (!tmp) errs.push(field.required(child(path, 'terminationMessagePolicy'), ''));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(field.notSupported(child(path, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  const mounts = new Map((ctr.volumeMounts ?? []).map((m) => [m.name, m.mountPath] as [string, string]));
  const devices = new Map((ctr.volumeDevices ?? []).map((d) => [d.name, d.devicePath] as [string, string]));
  errs.push(...validateContainerPorts(ctr.ports, child(path, 'ports')));
  errs.push(...validateEnv(ctr.env, child(path, 'env')));
  errs.push(...validateEnvFrom(ctr.envFrom, child(path, 'envFrom')));
  errs.push(...validateVolumeMounts(ctr.volumeMounts, devices, ctx.volumes, ctr, child(path, 'volumeMounts')));
  errs.push(...validateVolumeDevices(ctr.volumeDevices, mounts, ctx.volumes, child(path, 'volumeDevices')));
  errs.push(...validatePullPolicy(ctr.imagePullPolicy ?? '', child(path, 'imagePullPolicy')));
  errs.push(...validateResourceRequirements(ctr.resources, child(path, 'resources'), ctx.podClaimNames));
  errs.push(...validateResizePolicy(ctr.resizePolicy, child(path, 'resizePolicy'), ctx.podRestartPolicy));
  errs.push(...validateContainerSecurityContext(ctr.securityContext, child(path, 'securityContext'), ctx.hostUsers));
  return errs;
}
