// Per-source checks for in-tree volume types, shared by pod volumes and PersistentVolumes.
// Paths keep upstream's quirks (gcePersistentDisk is checked under "persistentDisk", cephFS
// under "cephfs") because clients see them in messages.
import { field, type FieldError } from '../errors.js';
import { GoValue } from './govalue.js';
import { inclusiveRangeError } from './messages.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from './names.js';
import { child, key } from './path.js';

// Volume sources are open records here: each validator reads the fields it knows.
export type Src = Record<string, any>;
export type SourceValidator = (s: Src, path: string) => FieldError[];

const req = (s: Src, name: string, path: string, detail = ''): FieldError[] =>
  s[name] ? [] : [field.required(child(path, name), detail)];

const IQN_RE = /^iqn\.\d{4}-\d{2}\.([A-Za-z0-9\-.]+)(:[^,;*&$|\s]+)$/;
const EUI_RE = /^eui.[A-Za-z0-9]{16}$/;
const NAA_RE = /^naa.[A-Za-z0-9]{32}$/;

function iqnFormatErrors(value: string, path: string, prefixMsg: string): FieldError[] {
  if (!value.startsWith('iqn') && !value.startsWith('eui') && !value.startsWith('naa')) return [field.invalid(path, value, prefixMsg)];
  const re = value.startsWith('iqn') ? IQN_RE : value.startsWith('eui') ? EUI_RE : NAA_RE;
  return re.test(value) ? [] : [field.invalid(path, value, 'must be valid format')];
}

function initiatorErrors(s: Src, path: string, prefixMsg: string): FieldError[] {
  if (s.initiatorName === undefined || s.initiatorName === null) return [];
  const v = String(s.initiatorName);
  const p = child(path, 'initiatorname');
  const errs: FieldError[] = [];
  const hasPrefix = v.startsWith('iqn') || v.startsWith('eui') || v.startsWith('naa');
  if (!hasPrefix) errs.push(field.invalid(p, v, prefixMsg));
  else errs.push(...iqnFormatErrors(v, p, prefixMsg));
  return errs;
}

function iscsiCommon(s: Src, path: string, iqnPrefixMsg: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.iqn) errs.push(field.required(child(path, 'iqn'), ''));
  else errs.push(...iqnFormatErrors(String(s.iqn), child(path, 'iqn'), iqnPrefixMsg));
  const lun = s.lun ?? 0;
  if (lun < 0 || lun > 255) errs.push(field.invalid(child(path, 'lun'), lun, inclusiveRangeError(0, 255)));
  if ((s.chapAuthDiscovery || s.chapAuthSession) && !s.secretRef) errs.push(field.required(child(path, 'secretRef'), ''));
  return errs;
}

export function validateISCSI(s: Src, path: string): FieldError[] {
  const prefixMsg = 'must be valid format starting with iqn, eui, or naa';
  return [...req(s, 'targetPortal', path), ...iscsiCommon(s, path, prefixMsg), ...initiatorErrors(s, path, prefixMsg)];
}

export function validateISCSIPersistent(s: Src, path: string, pvName: string): FieldError[] {
  const errs = req(s, 'targetPortal', path);
  if (s.initiatorName != null && `${pvName}:${s.targetPortal ?? ''}`.length > 64) {
    errs.push(field.invalid(child(path, 'targetportal'), s.targetPortal ?? '',
      'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.'));
  }
  errs.push(...iscsiCommon(s, path, 'must be valid format'));
  if (s.secretRef && !s.secretRef.name) errs.push(field.required(child(path, 'secretRef', 'name'), ''));
  errs.push(...initiatorErrors(s, path, 'must be valid format'));
  return errs;
}

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
export const validateHostPath: SourceValidator = (s, path) => {
  if (!s.path) return [field.required(child(path, 'path'), '')];
  const errs = validatePathNoBacksteps(String(s.path), child(path, 'path'));
  if (s.type !== undefined && s.type !== null && !HOST_PATH_TYPES.includes(s.type)) {
    errs.push(field.notSupported(child(path, 'type'), s.type, HOST_PATH_TYPES));
  }
  return errs;
};

export function validatePathNoBacksteps(p: string, path: string): FieldError[] {
  // A '..' segment needs the two dots in a row: most paths are done after one scan.
  if (!p.includes('..')) return [];
  return p.replace(/\\/g, '/').split('/').includes('..') ? [field.invalid(path, p, "must not contain '..'")] : [];
}

export function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = p.startsWith('/') ? [field.invalid(path, p, 'must be a relative path')] : [];
  return [...errs, ...validatePathNoBacksteps(p, path)];
}

export function validateLocalNonReservedPath(p: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith('..') && !p.startsWith('../')) errs.push(field.invalid(path, p, "must not start with '..'"));
  return errs;
}

const partition = (s: Src, path: string): FieldError[] => {
  const v = s.partition ?? 0;
  return v < 0 || v > 255 ? [field.invalid(child(path, 'partition'), v, inclusiveRangeError(1, 255))] : [];
};

export const validateGCEPD: SourceValidator = (s, path) => [...req(s, 'pdName', path), ...partition(s, path)];
export const validateAWSEBS: SourceValidator = (s, path) => [...req(s, 'volumeID', path), ...partition(s, path)];

export const validateNFS: SourceValidator = (s, path) => {
  const errs = [...req(s, 'server', path), ...req(s, 'path', path)];
  if (!String(s.path ?? '').startsWith('/')) errs.push(field.invalid(child(path, 'path'), s.path ?? '', 'must be an absolute path'));
  return errs;
};

export const validateRBD: SourceValidator = (s, path) => [
  ...((s.monitors ?? []).length ? [] : [field.required(child(path, 'monitors'), '')]),
  ...req(s, 'image', path),
];

export const validateCephFS: SourceValidator = (s, path) => ((s.monitors ?? []).length ? [] : [field.required(child(path, 'monitors'), '')]);

export const validateGlusterfs: SourceValidator = (s, path) => [...req(s, 'endpoints', path), ...req(s, 'path', path)];
export const validateGlusterfsPersistent: SourceValidator = (s, path) => {
  const errs = validateGlusterfs(s, path);
  if (s.endpointsNamespace !== undefined && s.endpointsNamespace !== null) {
    const ns = String(s.endpointsNamespace);
    const p = child(path, 'endpointsNamespace');
    if (ns === '') errs.push(field.invalid(p, ns, 'if the endpointnamespace is set, it must be a valid namespace name'));
    else errs.push(...isDNS1123Label(ns).map((m) => field.invalid(p, ns, m)));
  }
  return errs;
};

export const validateFlocker: SourceValidator = (s, path) => {
  const errs: FieldError[] = [];
  if (!s.datasetName && !s.datasetUUID) errs.push(field.required(path, 'one of datasetName and datasetUUID is required'));
  if (s.datasetName && s.datasetUUID) errs.push(field.invalid(path, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'));
  if (String(s.datasetName ?? '').includes('/')) errs.push(field.invalid(child(path, 'datasetName'), s.datasetName, "must not contain '/'"));
  return errs;
};

export const validateCinder: SourceValidator = (s, path) => {
  const errs = req(s, 'volumeID', path);
  if (s.secretRef && !s.secretRef.name) errs.push(field.required(child(path, 'secretRef', 'name'), ''));
  return errs;
};
export const validateCinderPersistent: SourceValidator = (s, path) => {
  const errs = req(s, 'volumeID', path);
  if (s.secretRef) {
    if (!s.secretRef.name) errs.push(field.required(child(path, 'secretRef', 'name'), ''));
    if (!s.secretRef.namespace) errs.push(field.required(child(path, 'secretRef', 'namespace'), ''));
  }
  return errs;
};

export const validateFC: SourceValidator = (s, path) => {
  const errs: FieldError[] = [];
  const wwns: string[] = s.targetWWNs ?? [];
  const wwids: string[] = s.wwids ?? [];
  if (!wwns.length && !wwids.length) errs.push(field.required(child(path, 'targetWWNs'), 'must specify either targetWWNs or wwids, but not both'));
  if (wwns.length && wwids.length) errs.push(field.invalid(child(path, 'targetWWNs'), wwns, 'targetWWNs and wwids can not be specified simultaneously'));
  if (wwns.length) {
    if (s.lun === undefined || s.lun === null) errs.push(field.required(child(path, 'lun'), 'lun is required if targetWWNs is specified'));
    else if (s.lun < 0 || s.lun > 255) errs.push(field.invalid(child(path, 'lun'), s.lun, inclusiveRangeError(0, 255)));
  }
  return errs;
};

export const validateFlex: SourceValidator = (s, path) => {
  const errs = req(s, 'driver', path);
  for (const k of Object.keys(s.options ?? {})) {
    const ns = k.includes('/') ? k.slice(0, k.indexOf('/')) : k;
    const normalized = `.${ns.toLowerCase()}`;
    if (normalized.endsWith('.kubernetes.io') || normalized.endsWith('.k8s.io')) {
      errs.push(field.invalid(key(child(path, 'options'), k), k, 'kubernetes.io and k8s.io namespaces are reserved'));
    }
  }
  return errs;
};

export const validateAzureFile: SourceValidator = (s, path) => [...req(s, 'secretName', path), ...req(s, 'shareName', path)];
export const validateAzureFilePV: SourceValidator = (s, path) => {
  const errs = validateAzureFile(s, path);
  if (s.secretNamespace !== undefined && s.secretNamespace !== null && s.secretNamespace === '') errs.push(field.required(child(path, 'secretNamespace'), ''));
  return errs;
};

export const validateAzureDisk: SourceValidator = (s, path) => {
  const errs = [...req(s, 'diskName', path), ...req(s, 'diskURI', path)];
  const caching = ['None', 'ReadOnly', 'ReadWrite'];
  const kinds = ['Dedicated', 'Managed', 'Shared'];
  if (s.cachingMode != null && !caching.includes(s.cachingMode)) errs.push(field.notSupported(child(path, 'cachingMode'), s.cachingMode, caching));
  if (s.kind != null && !kinds.includes(s.kind)) errs.push(field.notSupported(child(path, 'kind'), s.kind, kinds));
  const uri = String(s.diskURI ?? '');
  if (s.kind != null && s.kind === 'Managed' && !uri.startsWith('/subscriptions/')) {
    errs.push(field.notSupported(child(path, 'diskURI'), uri, ['/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}']));
  }
  if (s.kind != null && s.kind !== 'Managed' && !uri.startsWith('https://')) {
    errs.push(field.notSupported(child(path, 'diskURI'), uri, ['https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd']));
  }
  return errs;
};

export const validateVsphere: SourceValidator = (s, path) => req(s, 'volumePath', path);
export const validatePhoton: SourceValidator = (s, path) => req(s, 'pdID', path);
export const validatePortworx: SourceValidator = (s, path) => req(s, 'volumeID', path);
export const validateScaleIO: SourceValidator = (s, path) => [...req(s, 'gateway', path), ...req(s, 'system', path), ...req(s, 'volumeName', path)];

export const validateQuobyte: SourceValidator = (s, path) => {
  const errs: FieldError[] = [];
  const pairsMsg = 'must be a host:port pair or multiple pairs separated by commas';
  if (!s.registry) errs.push(field.required(child(path, 'registry'), pairsMsg));
  else if (String(s.tenant ?? '').length >= 65) errs.push(field.required(child(path, 'tenant'), 'must be a UUID and may not exceed a length of 64 characters'));
  else {
    for (const pair of String(s.registry).split(',')) {
      if (!/^(\[[^\]]*\]|[^:]*):[^:]*$/.test(pair)) errs.push(field.invalid(child(path, 'registry'), s.registry, pairsMsg));
    }
  }
  return [...errs, ...req(s, 'volume', path)];
};

function storageOSCommon(s: Src, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.volumeName) errs.push(field.required(child(path, 'volumeName'), ''));
  else errs.push(...isDNS1123Label(s.volumeName).map((m) => field.invalid(child(path, 'volumeName'), s.volumeName, m)));
  if (s.volumeNamespace) errs.push(...isDNS1123Label(s.volumeNamespace).map((m) => field.invalid(child(path, 'volumeNamespace'), s.volumeNamespace, m)));
  if (s.secretRef && !s.secretRef.name) errs.push(field.required(child(path, 'secretRef', 'name'), ''));
  return errs;
}
export const validateStorageOS: SourceValidator = storageOSCommon;
export const validateStorageOSPersistent: SourceValidator = (s, path) => {
  const errs = storageOSCommon(s, path);
  if (s.secretRef && !s.secretRef.namespace) errs.push(field.required(child(path, 'secretRef', 'namespace'), ''));
  return errs;
};

export const validateLocal: SourceValidator = (s, path) =>
  s.path ? validatePathNoBacksteps(String(s.path), child(path, 'path')) : [field.required(child(path, 'path'), '')];

export function validateCSIDriverName(driver: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!driver) errs.push(field.required(path, ''));
  if (driver.length > 63) errs.push(field.tooLong(path, '', 63));
  errs.push(...isDNS1123Subdomain(driver.toLowerCase()).map((m) => field.invalid(path, driver, m)));
  return errs;
}

function pvSecretRef(ref: Src, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!ref.name) errs.push(field.required(child(path, 'name'), ''));
  else errs.push(...isDNS1123Subdomain(ref.name).map((m) => field.invalid(child(path, 'name'), ref.name, m)));
  if (!ref.namespace) errs.push(field.required(child(path, 'namespace'), ''));
  else errs.push(...isDNS1123Label(ref.namespace).map((m) => field.invalid(child(path, 'namespace'), ref.namespace, m)));
  return errs;
}

export const validateCSIPersistent: SourceValidator = (s, path) => {
  const errs = [...validateCSIDriverName(String(s.driver ?? ''), child(path, 'driver')), ...req(s, 'volumeHandle', path)];
  for (const ref of ['controllerPublishSecretRef', 'controllerExpandSecretRef', 'nodePublishSecretRef', 'nodeExpandSecretRef']) {
    if (s[ref]) errs.push(...pvSecretRef(s[ref], child(path, ref)));
  }
  return errs;
};

export const validateCSIInline: SourceValidator = (s, path) => {
  const errs = validateCSIDriverName(String(s.driver ?? ''), child(path, 'driver'));
  const ref = s.nodePublishSecretRef;
  if (ref) {
    if (!ref.name) errs.push(field.required(child(path, 'nodePublishSecretRef', 'name'), ''));
    else errs.push(...isDNS1123Subdomain(ref.name).map((m) => field.invalid(child(path, 'name'), ref.name, m)));
  }
  return errs;
};

export function validateQualifiedNameAt(v: string, path: string): FieldError[] {
  return isQualifiedName(v).map((m) => field.invalid(path, v, m));
}

export { GoValue };
