// Label selectors as upstream k8s.io/apimachinery/pkg/labels parses, prints and matches them.
// Error messages are upstream's word for word: the API answers 400 with them, and users grep them.
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { badRequest } from './errors.js';
import { parseRequirements } from './labels-syntax.js';
import { aggregate, goQuote, goStringSlice, isQualifiedName, isValidLabelValue } from './labels-validation.js';

export { isQualifiedName, isValidLabelValue, isDNS1123Subdomain } from './labels-validation.js';

/** selection.Operator spellings (what Requirement.operator holds and String() prints). */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

const BINARY_OPERATORS: readonly Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const ALL_OPERATORS: readonly Operator[] = [...BINARY_OPERATORS, 'exists', '!'];

export type Labels = Readonly<Record<string, string>> | undefined | null;

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

const INT64 = /^[+-]?[0-9]+$/;
const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64), or undefined when Go would refuse it. */
function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/**
 * labels.NewRequirement: validates and builds one requirement. Throws ApiError 400 carrying
 * upstream's aggregated message (`key: Invalid value: ...`, `values[0][app]: ...`).
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[], nilValues = false): Requirement {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(`key: Invalid value: ${goQuote(key)}: ${keyErrs.join('; ')}`);
  const shown = goStringSlice(values, nilValues);
  switch (operator) {
    case 'in': case 'notin':
      if (values.length === 0) errs.push(`values: Invalid value: ${shown}: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case '=': case '==': case '!=':
      if (values.length !== 1) errs.push(`values: Invalid value: ${shown}: exact-match compatibility requires one single value`);
      break;
    case 'exists': case '!':
      if (values.length !== 0) errs.push(`values: Invalid value: ${shown}: values set must be empty for exists and does not exist`);
      break;
    case 'gt': case 'lt':
      if (values.length !== 1) errs.push(`values: Invalid value: ${shown}: for 'Gt', 'Lt' operators, exactly one value is required`);
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(`values[${i}]: Invalid value: ${goQuote(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
        }
      });
      break;
    default:
      errs.push(`operator: Unsupported value: ${goQuote(String(operator))}: supported values: ${ALL_OPERATORS.map((o) => JSON.stringify(o)).join(', ')}`);
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errs.push(`values[${i}][${key}]: Invalid value: ${goQuote(v)}: ${msgs.join('; ')}`);
  });
  if (errs.length) throw badRequest(aggregate(errs));
  return { key, operator, values: [...values] };
}

function requirementMatches(r: Requirement, labels: Labels): boolean {
  const has = !!labels && Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels![r.key] : undefined;
  switch (r.operator) {
    case 'in': case '=': case '==':
      return has && r.values.includes(value!);
    case 'notin': case '!=':
      return !has || !r.values.includes(value!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt': case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const have = parseInt64(value!), want = parseInt64(r.values[0]!);
      if (have === undefined || want === undefined) return false;
      return r.operator === 'gt' ? have > want : have < want;
    }
  }
}

function requirementString(r: Requirement): string {
  const prefix = r.operator === '!' ? '!' : '';
  if (r.operator === 'exists' || r.operator === '!') return prefix + r.key;
  const op = r.operator === 'in' ? ' in ' : r.operator === 'notin' ? ' notin '
    : r.operator === 'gt' ? '>' : r.operator === 'lt' ? '<' : r.operator;
  // Several values print sorted, without changing the requirement itself.
  const vals = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${r.key}${op}(${vals})` : `${r.key}${op}${vals}`;
}

/** A parsed label selector: the AND of its requirements, kept sorted by key like upstream. */
export class Selector {
  private constructor(readonly requirements: readonly Requirement[], readonly matchesNothing: boolean) {}

  /** Matches every label set (an empty or absent selector string). */
  static readonly EVERYTHING = new Selector([], false);
  /** Matches no label set (what a nil metav1.LabelSelector means). */
  static readonly NOTHING = new Selector([], true);

  static of(requirements: readonly Requirement[]): Selector {
    // Stable sort by key (upstream sorts by key so String() is deterministic).
    return new Selector([...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), false);
  }

  matches(labels: Labels): boolean {
    if (this.matchesNothing) return false;
    return this.requirements.every((r) => requirementMatches(r, labels));
  }
  /** True when the selector does not restrict anything (the "Nothing" selector is not empty). */
  empty(): boolean { return !this.matchesNothing && this.requirements.length === 0; }
  toString(): string { return this.requirements.map(requirementString).join(','); }
  add(...reqs: Requirement[]): Selector { return Selector.of([...this.requirements, ...reqs]); }
  /** The single value `key` must equal (`=`, `==`, or `in` with one value), if any. */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((q) => q.key === key);
    if (!r || !['=', '==', 'in'].includes(r.operator) || r.values.length !== 1) return undefined;
    return r.values[0];
  }
}

/**
 * labels.Parse: the `labelSelector` query syntax (`a=b,c!=d,e in (f,g),!h,i>3`).
 * Throws ApiError 400 BadRequest with upstream's message on bad input.
 */
export function parseSelector(s: string): Selector {
  try {
    return Selector.of(parseRequirements(s, (key, op, values) => newRequirement(key, op, values)));
  } catch (e) {
    throw badRequest((e as Error).message);
  }
}

/** labels.SelectorFromSet: `k=v` for every entry (no validation, like upstream). */
export function selectorFromSet(set: Labels): Selector {
  return Selector.of(Object.entries(set ?? {}).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
}

/** labels.FormatLabels: sorted `k=v,...`, or `<none>` when empty. */
export function formatLabels(set: Labels): string {
  const s = selectorFromSet(set).toString();
  return s === '' ? '<none>' : s;
}

/**
 * metav1.LabelSelectorAsSelector: nil matches nothing, empty matches everything.
 * Throws ApiError 400 with upstream's message on a bad operator, key or value.
 */
export function labelSelectorAsSelector(ls: LabelSelector | null | undefined): Selector {
  if (!ls) return Selector.NOTHING;
  const matchLabels = Object.entries(ls.matchLabels ?? {});
  const exprs = ls.matchExpressions ?? [];
  if (matchLabels.length + exprs.length === 0) return Selector.EVERYTHING;
  const reqs = matchLabels.map(([k, v]) => newRequirement(k, '=', [v]));
  for (const e of exprs) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator as 'In'];
    if (!op) throw badRequest(`${goQuote(e.operator)} is not a valid pod selector operator`);
    // Upstream copies values with append([]string(nil), ...): an empty list renders as nil.
    reqs.push(newRequirement(e.key, op, e.values ?? [], true));
  }
  return Selector.of(reqs);
}

/** metav1.FormatLabelSelector: the selector string, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  try {
    const s = labelSelectorAsSelector(ls).toString();
    return s === '' ? '<none>' : s;
  } catch {
    return '<error>';
  }
}
