// PersistentVolumeClaimSpec rules, shared by PVCs and ephemeral volume claim templates.
import { field, type FieldError } from '../errors.js';
import type { PersistentVolumeClaimSpec, TypedLocalObjectReference, TypedObjectReference } from 'kubernetes-types/core/v1.js';
import { GoValue } from './govalue.js';
import { isDNS1123Subdomain, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { child, key } from './path.js';
import { quantityAt, validatePositiveQuantityValue, validateResourceQuantityValue } from './resources.js';
import { validateLabelSelector } from './selector.js';

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const VOLUME_MODES = ['Block', 'Filesystem'];

/** Unknown modes are NotSupported; ReadWriteOncePod may not be combined with other modes. */
export function validateAccessModes(modes: readonly string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  let rwop = false;
  let other = false;
  for (const mode of modes) {
    if (!ACCESS_MODES.includes(mode)) errs.push(field.notSupported(path, mode, ACCESS_MODES));
    if (mode === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(mode)) other = true;
  }
  if (rwop && other) errs.push(field.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validateDataSource(ds: TypedLocalObjectReference | TypedObjectReference, path: string, withNamespace: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!ds.name) errs.push(field.required(child(path, 'name'), ''));
  if (!ds.kind) errs.push(field.required(child(path, 'kind'), ''));
  const group = ds.apiGroup ?? '';
  if (!group && ds.kind !== 'PersistentVolumeClaim') {
    errs.push(field.invalid(path, ds.kind ?? '', "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  }
  if (group) errs.push(...isDNS1123Subdomain(group).map((m) => field.invalid(child(path, 'apiGroup'), group, m)));
  const ns = (ds as TypedObjectReference).namespace;
  if (withNamespace && ns) errs.push(...nameIsDNSLabel(ns, false).map((m) => field.invalid(child(path, 'namespace'), ns, m)));
  return errs;
}

export function validatePersistentVolumeClaimSpec(spec: PersistentVolumeClaimSpec, path: string,
  opts: { allowInvalidLabelValueInSelector?: boolean } = {}): FieldError[] {
  const errs: FieldError[] = [];
  const modes = spec.accessModes ?? [];
  if (!modes.length) errs.push(field.required(child(path, 'accessModes'), 'at least 1 access mode is required'));
  if (spec.selector) {
    errs.push(...validateLabelSelector(spec.selector, child(path, 'selector'), { allowInvalidLabelValue: opts.allowInvalidLabelValueInSelector }));
  }
  errs.push(...validateAccessModes(modes, child(path, 'accessModes')));
  const storagePath = key(child(path, 'resources'), 'storage');
  const raw = (spec.resources?.requests as Record<string, string> | undefined)?.storage;
  if (raw === undefined) errs.push(field.required(storagePath, ''));
  else {
    const q = quantityAt(raw, storagePath, errs);
    if (q) {
      const positive = validatePositiveQuantityValue(q, storagePath);
      errs.push(...(positive.length ? positive : validateResourceQuantityValue('storage', q, storagePath)));
    }
  }
  if (spec.storageClassName) {
    errs.push(...nameIsDNSSubdomain(spec.storageClassName, false).map((m) => field.invalid(child(path, 'storageClassName'), spec.storageClassName, m)));
  }
  if (spec.volumeMode != null && !VOLUME_MODES.includes(spec.volumeMode)) {
    errs.push(field.notSupported(child(path, 'volumeMode'), spec.volumeMode, VOLUME_MODES));
  }
  if (spec.dataSource) errs.push(...validateDataSource(spec.dataSource, child(path, 'dataSource'), false));
  if (spec.dataSourceRef) errs.push(...validateDataSource(spec.dataSourceRef, child(path, 'dataSourceRef'), true));
  const ref = spec.dataSourceRef;
  if (ref?.namespace) {
    if (spec.dataSource) errs.push(field.invalid(path, new GoValue(child(path, 'dataSource')), 'may not be specified when dataSourceRef.namespace is specified'));
  } else if (spec.dataSource && ref) {
    const same = (spec.dataSource.apiGroup ?? null) === (ref.apiGroup ?? null) && spec.dataSource.kind === ref.kind && spec.dataSource.name === ref.name;
    if (!same) errs.push(field.invalid(path, new GoValue(child(path, 'dataSource')), 'must match dataSourceRef'));
  }
  return errs;
}
