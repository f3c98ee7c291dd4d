// Query parameters shared by handlers, parsed as upstream does (booleans like Go's ParseBool).
import { badRequest } from '../../core/index.js';

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

export function boolParam(query: Readonly<Record<string, string>>, name: string): boolean | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (v === '') return true;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw badRequest(`invalid boolean value for ${name}: "${v}"`);
}

export function intParam(query: Readonly<Record<string, string>>, name: string): number | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: "${v}": must be an integer`);
  return Number(v);
}

export function dryRunParam(query: Readonly<Record<string, string>>): boolean {
  const v = query.dryRun;
  if (v === undefined || v === '') return false;
  if (v === 'All') return true;
  throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationParam(query: Readonly<Record<string, string>>): FieldValidation {
  const v = query.fieldValidation;
  if (v === undefined || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}
