// Pod and container security contexts: ids, sysctls, seccomp, AppArmor, Windows options.
import { field, type FieldError } from '../../errors.js';
import type { PodSecurityContext, PodSpec, SecurityContext } from 'kubernetes-types/core/v1.js';
import { isDNS1123Subdomain, isValidGroupID, isValidUserID } from '../names.js';
import { child, index } from '../path.js';
import { validateLocalDescendingPath, type Src } from '../volume-sources.js';

const SYSCTL_SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const SYSCTL_PATTERN = `^(${SYSCTL_SEGMENT}[\\./])*${SYSCTL_SEGMENT}$`;
const SYSCTL_RE = new RegExp(SYSCTL_PATTERN);

function validateSeccompProfile(sp: Src | undefined, path: string): FieldError[] {
  if (!sp) return [];
  const errs: FieldError[] = [];
  const types = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  if (!sp.type) errs.push(field.required(child(path, 'type'), 'type is required when seccompProfile is set'));
  else if (!types.includes(sp.type)) errs.push(field.notSupported(child(path, 'type'), sp.type, types));
  if (sp.type === 'Localhost') {
    if (sp.localhostProfile == null) errs.push(field.required(child(path, 'localhostProfile'), 'must be set when seccomp type is Localhost'));
    else errs.push(...validateLocalDescendingPath(sp.localhostProfile, child(path, 'localhostProfile')));
  } else if (sp.localhostProfile != null) {
    errs.push(field.invalid(child(path, 'localhostProfile'), sp, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

function validateAppArmorProfile(p: Src | undefined, path: string): FieldError[] {
  if (!p) return [];
  const errs: FieldError[] = [];
  switch (p.type) {
    case 'Localhost': {
      const lp = p.localhostProfile;
      if (lp == null) errs.push(field.required(child(path, 'localhostProfile'), 'must be set when AppArmor type is Localhost'));
      else if (String(lp).trim() !== lp) errs.push(field.invalid(child(path, 'localhostProfile'), lp, 'must not be padded with whitespace'));
      else if (lp === '') errs.push(field.required(child(path, 'localhostProfile'), 'must be set when AppArmor type is Localhost'));
      if (lp != null && String(lp).length > 4095) errs.push(field.tooLong(child(path, 'localhostProfile'), '', 4095));
      break;
    }
    case 'RuntimeDefault': case 'Unconfined':
      if (p.localhostProfile != null) errs.push(field.invalid(child(path, 'localhostProfile'), p.localhostProfile, 'can only be set when AppArmor type is Localhost'));
      break;
    case '': case undefined: case null:
      errs.push(field.required(child(path, 'type'), 'type is required when appArmorProfile is set'));
      break;
    default:
      errs.push(field.notSupported(child(path, 'type'), p.type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  }
  return errs;
}

function validateWindowsOptions(w: Src | undefined, path: string): FieldError[] {
  if (!w) return [];
  const errs: FieldError[] = [];
  if (w.gmsaCredentialSpecName != null) {
    errs.push(...isDNS1123Subdomain(w.gmsaCredentialSpecName).map((m) => field.invalid(child(path, 'gmsaCredentialSpecName'), w.gmsaCredentialSpecName, m)));
  }
  if (w.gmsaCredentialSpec != null) {
    const p = child(path, 'gmsaCredentialSpec');
    if (w.gmsaCredentialSpec === '') errs.push(field.invalid(p, w.gmsaCredentialSpec, 'gmsaCredentialSpec cannot be an empty string'));
    else if (w.gmsaCredentialSpec.length > 64 * 1024) errs.push(field.invalid(p, w.gmsaCredentialSpec, 'gmsaCredentialSpec size must be under 64 KiB'));
  }
  if (w.runAsUserName != null) {
    const v = String(w.runAsUserName);
    const p = child(path, 'runAsUserName');
    const parts = v.split('\\');
    if (v === '') errs.push(field.invalid(p, v, 'runAsUserName cannot be an empty string'));
    else if (/[\x00-\x1f\x7f]/.test(v)) errs.push(field.invalid(p, v, 'runAsUserName cannot contain control characters'));
    else if (parts.length > 2) errs.push(field.invalid(p, v, 'runAsUserName cannot contain more than one backslash'));
    else {
      const user = parts.length === 1 ? parts[0] : parts[1];
      if (user.length === 0) errs.push(field.invalid(p, v, "runAsUserName's User cannot be empty"));
      else if (user.length > 104) errs.push(field.invalid(p, v, "runAsUserName's User length must not be longer than 104 characters"));
      if (/^[. ]+$/.test(user)) errs.push(field.invalid(p, v, "runAsUserName's User cannot contain only periods or spaces"));
      if (/["/\\:;|=,+*?<>@[\]]/.test(user)) errs.push(field.invalid(p, v, `runAsUserName's User cannot contain the following characters: "/\\:;|=,+*?<>@[]`));
    }
  }
  return errs;
}

export function validateContainerSecurityContext(sc: SecurityContext | undefined, path: string, hostUsers: boolean): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  if (sc.runAsUser != null) errs.push(...isValidUserID(sc.runAsUser).map((m) => field.invalid(child(path, 'runAsUser'), sc.runAsUser, m)));
  if (sc.runAsGroup != null) errs.push(...isValidGroupID(sc.runAsGroup).map((m) => field.invalid(child(path, 'runAsGroup'), sc.runAsGroup, m)));
  if (sc.procMount != null) {
    if (sc.procMount !== 'Default' && sc.procMount !== 'Unmasked') errs.push(field.notSupported(child(path, 'procMount'), sc.procMount, ['Default', 'Unmasked']));
    if (hostUsers && sc.procMount === 'Unmasked') errs.push(field.invalid(child(path, 'procMount'), sc.procMount, '`hostUsers` must be false to use `Unmasked`'));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, child(path, 'seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged) errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap === 'CAP_SYS_ADMIN') errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  errs.push(...validateWindowsOptions(sc.windowsOptions, child(path, 'windowsOptions')));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, child(path, 'appArmorProfile')));
  return errs;
}

function sysctlNamespace(name: string): 'net' | 'ipc' | undefined {
  if (name.startsWith('net.') || name.startsWith('net/')) return 'net';
  if (/^kernel[./](shm|msg|sem)/.test(name) || /^fs[./]mqueue[./]/.test(name)) return 'ipc';
  return undefined;
}

/** spec-level security: v1 keeps hostNetwork/hostPID/hostIPC on the spec, upstream reads them together. */
export function validatePodSecurityContext(spec: PodSpec, specPath: string): FieldError[] {
  const sc: PodSecurityContext | undefined = spec.securityContext;
  const path = child(specPath, 'securityContext');
  const errs: FieldError[] = [];
  if (!sc) return errs;
  if (sc.fsGroup != null) errs.push(...isValidGroupID(sc.fsGroup).map((m) => field.invalid(child(path, 'fsGroup'), sc.fsGroup, m)));
  if (sc.runAsUser != null) errs.push(...isValidUserID(sc.runAsUser).map((m) => field.invalid(child(path, 'runAsUser'), sc.runAsUser, m)));
  if (sc.runAsGroup != null) errs.push(...isValidGroupID(sc.runAsGroup).map((m) => field.invalid(child(path, 'runAsGroup'), sc.runAsGroup, m)));
  (sc.supplementalGroups ?? []).forEach((g, i) =>
    errs.push(...isValidGroupID(g).map((m) => field.invalid(index(child(path, 'supplementalGroups'), i), g, m))));
  if (spec.shareProcessNamespace && spec.hostPID) {
    errs.push(field.invalid(child(path, 'shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  const names = new Set<string>();
  (sc.sysctls ?? []).forEach((s, i) => {
    const p = child(index(child(path, 'sysctls'), i), 'name');
    if (!s.name) errs.push(field.required(p, ''));
    else if (s.name.length > 253 || !SYSCTL_RE.test(s.name)) {
      errs.push(field.invalid(p, s.name, `must have at most 253 characters and match regex ${SYSCTL_PATTERN}`));
    } else if (names.has(s.name)) errs.push(field.duplicate(p, s.name));
    const ns = sysctlNamespace(s.name ?? '');
    if (spec.hostNetwork && ns === 'net') errs.push(field.invalid(p, s.name, "may not be specified when 'hostNetwork' is true"));
    else if (spec.hostIPC && ns === 'ipc') errs.push(field.invalid(p, s.name, "may not be specified when 'hostIPC' is true"));
    names.add(s.name);
  });
  if (sc.fsGroupChangePolicy != null && !['OnRootMismatch', 'Always'].includes(sc.fsGroupChangePolicy)) {
    errs.push(field.notSupported(child(path, 'fsGroupChangePolicy'), sc.fsGroupChangePolicy, ['Always', 'OnRootMismatch']));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, child(path, 'seccompProfile')));
  errs.push(...validateWindowsOptions(sc.windowsOptions, child(path, 'windowsOptions')));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, child(path, 'appArmorProfile')));
  const sgp = (sc as Src).supplementalGroupsPolicy;
  if (sgp != null && sgp !== 'Merge' && sgp !== 'Strict') errs.push(field.notSupported(child(path, 'supplementalGroupsPolicy'), sgp, ['Merge', 'Strict']));
  const selp = (sc as Src).seLinuxChangePolicy;
  if (selp != null && selp !== 'Recursive' && selp !== 'MountOption') {
    errs.push(field.notSupported(child(path, 'seLinuxChangePolicy'), selp, ['MountOption', 'Recursive']));
  }
  return errs;
}

/** Pods in a user namespace may not share the host's network, PID or IPC namespaces. */
export function validateHostUsers(spec: PodSpec, specPath: string): FieldError[] {
  if (spec.hostUsers !== false) return [];
  const errs: FieldError[] = [];
  if (spec.hostNetwork) errs.push(field.forbidden(child(specPath, 'hostNetwork'), 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostPID) errs.push(field.forbidden(child(specPath, 'HostPID'), 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostIPC) errs.push(field.forbidden(child(specPath, 'HostIPC'), 'when `pod.Spec.HostUsers` is false'));
  return errs;
}
