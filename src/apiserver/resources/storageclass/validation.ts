// StorageClass validation (pkg/apis/storage/validation): provisioner, parameters, reclaim
// policy, binding mode, allowed topologies; most fields are fixed after creation (I23).
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { field, type FieldError } from '../../../core/index.js';
import {
  isQualifiedName, index, nameIsDNSSubdomain, semanticEqual, utf8Length, validateImmutable, validateObjectMeta,
  validateObjectMetaUpdate, validateTopologySelectorTerm,
} from '../../../core/validation/index.js';

const MAX_PARAMETERS = 512;
const MAX_PARAMETER_BYTES = 256 * 1024;

function validateParameters(params: Record<string, string> | undefined): FieldError[] {
  const entries = Object.entries(params ?? {});
  if (entries.length > MAX_PARAMETERS) return [field.tooLong('parameters', '', MAX_PARAMETERS)];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of entries) {
    if (k.length < 1) errs.push(field.invalid('parameters', k, 'field can not be empty.'));
    total += utf8Length(k) + utf8Length(String(v));
  }
  if (total > MAX_PARAMETER_BYTES) errs.push(field.tooLong('parameters', '', MAX_PARAMETER_BYTES));
  return errs;
}

export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs = validateObjectMeta(sc.metadata, { namespaced: false, nameValidator: nameIsDNSSubdomain });
  if (!sc.provisioner) errs.push(field.required('provisioner', ''));
  else errs.push(...isQualifiedName(sc.provisioner.toLowerCase()).map((m) => field.invalid('provisioner', sc.provisioner.toLowerCase(), m)));
  errs.push(...validateParameters(sc.parameters));
  if (sc.reclaimPolicy && sc.reclaimPolicy !== 'Delete' && sc.reclaimPolicy !== 'Retain') {
    errs.push(field.notSupported('reclaimPolicy', sc.reclaimPolicy, ['Delete', 'Retain']));
  }
  if (sc.volumeBindingMode == null) errs.push(field.required('volumeBindingMode', ''));
  else if (sc.volumeBindingMode !== 'Immediate' && sc.volumeBindingMode !== 'WaitForFirstConsumer') {
    errs.push(field.notSupported('volumeBindingMode', sc.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
  }
  const seen: Array<Map<string, Set<string>>> = [];
  (sc.allowedTopologies ?? []).forEach((term, i) => {
    const p = index('allowedTopologies', i);
    const { map, errs: termErrs } = validateTopologySelectorTerm(term, p);
    errs.push(...termErrs);
    const asObj = Object.fromEntries([...map].map(([k, v]) => [k, [...v].sort()]));
    if (seen.some((m) => semanticEqual(Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()])), asObj))) {
      errs.push(field.duplicate(`${p}.matchLabelExpressions`, ''));
    }
    seen.push(map);
  });
  return errs;
}

export function validateStorageClassUpdate(next: StorageClass, prev: StorageClass): FieldError[] {
  const errs = [...validateStorageClass(next), ...validateObjectMetaUpdate(next.metadata, prev.metadata)];
  if (!semanticEqual(next.parameters ?? {}, prev.parameters ?? {})) errs.push(field.forbidden('parameters', 'updates to parameters are forbidden.'));
  if (next.provisioner !== prev.provisioner) errs.push(field.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if ((next.reclaimPolicy ?? '') !== (prev.reclaimPolicy ?? '')) errs.push(field.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutable(next.volumeBindingMode, prev.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}
