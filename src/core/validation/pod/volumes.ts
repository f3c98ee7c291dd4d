// Pod volumes: names, exactly one source each, and the source-specific rules
// (upstream ValidateVolumes / validateVolumeSource).
import { field, type FieldError } from '../../errors.js';
import type { Volume } from 'kubernetes-types/core/v1.js';
import { FILE_MODE, MAY_NOT_MORE_THAN_ONE_VOLUME } from '../messages.js';
import { validateTemplateObjectMeta } from '../meta.js';
import { isDNS1123Label, nameIsDNSSubdomain } from '../names.js';
import { child, index } from '../path.js';
import { validatePersistentVolumeClaimSpec } from '../pvc-spec.js';
import { quantityAt } from '../resources.js';
import * as vs from '../volume-sources.js';
import { validateDownwardAPIVolumeFile } from './env.js';
import { validatePullPolicy } from './containers-common.js';
import type { PodValidationOptions } from './options.js';

type Src = vs.Src;

function validateMode(mode: unknown, path: string): FieldError[] {
  if (mode === undefined || mode === null) return [];
  const m = Number(mode);
  return m > 0o777 || m < 0 ? [field.invalid(path, mode, FILE_MODE)] : [];
}

function validateKeyToPath(kp: Src, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!kp.key) errs.push(field.required(child(path, 'key'), ''));
  if (!kp.path) errs.push(field.required(child(path, 'path'), ''));
  errs.push(...vs.validateLocalNonReservedPath(String(kp.path ?? ''), child(path, 'path')));
  errs.push(...validateMode(kp.mode, child(path, 'mode')));
  return errs;
}

function keyedSource(nameField: string): vs.SourceValidator {
  return (s, path) => {
    const errs: FieldError[] = s[nameField] ? [] : [field.required(child(path, nameField), '')];
    errs.push(...validateMode(s.defaultMode, child(path, 'defaultMode')));
    (s.items ?? []).forEach((kp: Src, i: number) => errs.push(...validateKeyToPath(kp, index(child(path, 'items'), i))));
    return errs;
  };
}

function validateDownwardAPIVolume(s: Src, path: string): FieldError[] {
  const errs = validateMode(s.defaultMode, child(path, 'defaultMode'));
  for (const f of s.items ?? []) errs.push(...validateDownwardAPIVolumeFile(f, path));
  return errs;
}

function validateProjected(s: Src, path: string, opts: PodValidationOptions): FieldError[] {
  const errs = validateMode(s.defaultMode, child(path, 'defaultMode'));
  const allPaths = new Set<string>();
  const note = (p: string, bad: unknown) => {
    if (allPaths.has(p)) errs.push(field.invalid(path, bad, 'conflicting duplicate paths'));
    else allPaths.add(p);
  };
  (s.sources ?? []).forEach((src: Src, i: number) => {
    const sp = index(child(path, 'sources'), i);
    let n = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      const ref = src[kind];
      if (!ref) continue;
      n++;
      const pp = child(sp, kind);
      if (!ref.name) errs.push(field.required(child(pp, 'name'), ''));
      (ref.items ?? []).forEach((kp: Src, j: number) => {
        errs.push(...validateKeyToPath(kp, index(child(pp, 'items'), j)));
        if (kp.path) note(kp.path, ref.name ?? '');
      });
    }
    if (src.downwardAPI) {
      n++;
      for (const f of src.downwardAPI.items ?? []) {
        errs.push(...validateDownwardAPIVolumeFile(f, child(sp, 'downwardAPI')));
        if (f.path) note(f.path, f.path);
      }
    }
    if (src.serviceAccountToken) {
      n++;
      const t = src.serviceAccountToken;
      const pp = child(sp, 'serviceAccountToken');
      const exp = t.expirationSeconds ?? 3600;
      if (exp < 600) errs.push(field.invalid(child(pp, 'expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
      if (exp > 2 ** 32) errs.push(field.invalid(child(pp, 'expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
      if (!t.path) errs.push(field.required(child(path, 'path'), ''));
      else errs.push(...vs.validateLocalNonReservedPath(t.path, child(path, 'path')));
    }
    if (src.clusterTrustBundle) {
      n++;
      const b = src.clusterTrustBundle;
      const pp = child(sp, 'clusterTrustBundle');
      if (b.name != null && b.signerName != null) errs.push(field.invalid(pp, b, 'only one of name and signerName may be used'));
      else if (b.name == null && b.signerName == null) errs.push(field.required(pp, 'either name or signerName must be specified'));
      if (!b.path) errs.push(field.required(child(pp, 'path'), ''));
      errs.push(...vs.validateLocalNonReservedPath(String(b.path ?? ''), child(pp, 'path')));
      note(String(b.path ?? ''), b.path ?? '');
    }
    if (n > 1) errs.push(field.forbidden(sp, 'may not specify more than 1 volume type per source'));
  });
  void opts;
  return errs;
}

function validateEmptyDir(s: Src, path: string): FieldError[] {
  if (s.sizeLimit === undefined || s.sizeLimit === null) return [];
  const errs: FieldError[] = [];
  const q = quantityAt(s.sizeLimit, child(path, 'sizeLimit'), errs);
  if (q && q.sign() < 0) errs.push(field.forbidden(child(path, 'sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
  return errs;
}

function validateEphemeral(s: Src, path: string, volPath: string, volName: string, podName: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.volumeClaimTemplate) errs.push(field.required(child(path, 'volumeClaimTemplate'), ''));
  else {
    const tp = child(path, 'volumeClaimTemplate');
    errs.push(...validateTemplateObjectMeta(s.volumeClaimTemplate.metadata, child(tp, 'metadata')));
    errs.push(...validatePersistentVolumeClaimSpec(s.volumeClaimTemplate.spec ?? {}, child(tp, 'spec')));
  }
  if (podName && volName) {
    const pvcName = `${podName}-${volName}`;
    for (const m of nameIsDNSSubdomain(pvcName, false)) errs.push(field.invalid(child(volPath, 'name'), volName, `PVC name "${pvcName}": ${m}`));
  }
  return errs;
}

// Upstream's order: a second source is reported as Forbidden at its own path.
const POD_SOURCES: ReadonlyArray<[string, string, vs.SourceValidator | undefined]> = [
  ['emptyDir', 'emptyDir', validateEmptyDir], ['hostPath', 'hostPath', vs.validateHostPath],
  ['gitRepo', 'gitRepo', (s, p) => [...(s.repository ? [] : [field.required(child(p, 'repository'), '')]),
    ...vs.validateLocalDescendingPath(String(s.directory ?? ''), child(p, 'directory'))]],
  ['gcePersistentDisk', 'persistentDisk', vs.validateGCEPD], ['awsElasticBlockStore', 'awsElasticBlockStore', vs.validateAWSEBS],
  ['secret', 'secret', keyedSource('secretName')], ['nfs', 'nfs', vs.validateNFS], ['iscsi', 'iscsi', vs.validateISCSI],
  ['glusterfs', 'glusterfs', vs.validateGlusterfs], ['flocker', 'flocker', vs.validateFlocker],
  ['persistentVolumeClaim', 'persistentVolumeClaim', (s, p) => (s.claimName ? [] : [field.required(child(p, 'claimName'), '')])],
  ['rbd', 'rbd', vs.validateRBD], ['cinder', 'cinder', vs.validateCinder], ['cephfs', 'cephfs', vs.validateCephFS],
  ['quobyte', 'quobyte', vs.validateQuobyte], ['downwardAPI', 'downwardAPI', undefined], ['fc', 'fc', vs.validateFC],
  ['flexVolume', 'flexVolume', vs.validateFlex], ['configMap', 'configMap', keyedSource('name')],
  ['azureFile', 'azureFile', vs.validateAzureFile], ['vsphereVolume', 'vsphereVolume', vs.validateVsphere],
  ['photonPersistentDisk', 'photonPersistentDisk', vs.validatePhoton], ['portworxVolume', 'portworxVolume', vs.validatePortworx],
  ['azureDisk', 'azureDisk', vs.validateAzureDisk], ['storageos', 'storageos', vs.validateStorageOS],
  ['projected', 'projected', undefined], ['scaleIO', 'scaleIO', vs.validateScaleIO], ['csi', 'csi', vs.validateCSIInline],
  ['ephemeral', 'ephemeral', undefined], ['image', 'image', undefined],
];

function validateVolumeSource(vol: Src, path: string, podName: string | undefined, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const [k, sub, check] of POD_SOURCES) {
    const s = vol[k];
    if (s === undefined || s === null) continue;
    // downwardAPI's "more than one" error carries upstream's misspelt path.
    const forbiddenAt = k === 'downwardAPI' ? 'downwarAPI' : k === 'cephfs' ? 'cephFS' : k;
    if (k === 'iscsi' && s.initiatorName != null && `${vol.name ?? ''}:${s.targetPortal ?? ''}`.length > 64) {
      errs.push(field.invalid(child(path, 'name'), vol.name ?? '',
        'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.'));
    }
    if (n > 0) { errs.push(field.forbidden(child(path, forbiddenAt), MAY_NOT_MORE_THAN_ONE_VOLUME)); continue; }
    n++;
    const p = child(path, sub);
    if (check) errs.push(...check(s, p));
    else if (k === 'downwardAPI') errs.push(...validateDownwardAPIVolume(s, p));
    else if (k === 'projected') errs.push(...validateProjected(s, p, opts));
    else if (k === 'ephemeral') errs.push(...validateEphemeral(s, p, path, vol.name ?? '', podName));
    else if (k === 'image') {
      if (opts.resourceIsPod && !s.reference) errs.push(field.required(child(p, 'reference'), ''));
      errs.push(...validatePullPolicy(s.pullPolicy ?? '', child(p, 'pullPolicy')));
    }
  }
  if (n === 0) errs.push(field.required(path, 'must specify a volume type'));
  return errs;
}

/** Validates pod volumes; returns the valid ones by name for mount checks. */
export function validateVolumes(volumes: Volume[] | undefined, podName: string | undefined, path: string,
  opts: PodValidationOptions): { volumes: Map<string, Src>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const vols = new Map<string, Src>();
  const createdPVCs = new Set<string>();
  if (podName) for (const v of volumes ?? []) if (v.ephemeral) createdPVCs.add(`${podName}-${v.name}`);
  (volumes ?? []).forEach((vol, i) => {
    const p = index(path, i);
    const namePath = child(p, 'name');
    const el = validateVolumeSource(vol as Src, p, podName, opts);
    if (!vol.name) el.push(field.required(namePath, ''));
    else el.push(...isDNS1123Label(vol.name).map((m) => field.invalid(namePath, vol.name, m)));
    if (vols.has(vol.name)) el.push(field.duplicate(namePath, vol.name));
    if (el.length === 0) vols.set(vol.name, vol as Src);
    else errs.push(...el);
    const claim = vol.persistentVolumeClaim?.claimName;
    if (claim && createdPVCs.has(claim)) {
      errs.push(field.invalid(child(p, 'persistentVolumeClaim', 'claimName'), claim, 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  });
  return { volumes: vols, errs };
}
