// metav1.LabelSelector: validation (apis/meta/v1/validation) and matching against a label set
// (LabelSelectorAsSelector semantics), kept here so validators need nothing outside core.
import { field, type FieldError } from '../errors.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { validateLabelName, validateLabels } from './meta.js';
import { isValidLabelValue } from './names.js';
import { child, index } from './path.js';

export interface LabelSelectorOptions {
  /** Tolerate bad values in matchExpressions (only for objects that already had them). */
  readonly allowInvalidLabelValue?: boolean;
}

export function validateLabelSelector(sel: LabelSelector | undefined | null, path: string, opts: LabelSelectorOptions = {}): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels, child(path, 'matchLabels'));
  (sel.matchExpressions ?? []).forEach((req, i) => {
    const p = index(child(path, 'matchExpressions'), i);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In': case 'NotIn':
        if (values.length === 0) errs.push(field.required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists': case 'DoesNotExist':
        if (values.length > 0) errs.push(field.forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(field.invalid(child(p, 'operator'), req.operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(req.key ?? '', child(p, 'key')));
    if (!opts.allowInvalidLabelValue) {
      values.forEach((v, j) => errs.push(...isValidLabelValue(v).map((m) => field.invalid(index(child(p, 'values'), j), v, m))));
    }
  });
  return errs;
}

/** A selector with neither matchLabels nor matchExpressions (it selects everything). */
export function isEmptySelector(sel: LabelSelector | undefined | null): boolean {
  return !!sel && Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;
}

/** Whether LabelSelectorAsSelector would fail (bad operator or value count). */
export function selectorConversionFails(sel: LabelSelector | undefined | null): boolean {
  for (const req of sel?.matchExpressions ?? []) {
    const n = (req.values ?? []).length;
    if ((req.operator === 'In' || req.operator === 'NotIn') && n === 0) return true;
    if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && n > 0) return true;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(req.operator)) return true;
  }
  return false;
}

/** nil selects nothing; empty selects everything. */
export function selectorMatches(sel: LabelSelector | undefined | null, labels: Record<string, string> | undefined | null): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const req of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In': if (!has || !values.includes(l[req.key])) return false; break;
      case 'NotIn': if (has && values.includes(l[req.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}
