// Field selectors as upstream k8s.io/apimachinery/pkg/fields parses and matches them, and the
// per-kind field label check the API server runs before listing (runtime.Scheme.ConvertFieldLabel).
import { badRequest } from './errors.js';
import { goQuote } from './labels-validation.js';

export interface FieldRequirement {
  readonly field: string;
  /** `==` parses as `=` (upstream keeps no difference). */
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** The attributes a selector is matched against; an absent attribute reads as ''. */
export type FieldSet = Readonly<Record<string, string>>;

/** A parsed field selector: the AND of its terms, in upstream's (sorted) order. */
export class FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[]) {}

  static readonly EVERYTHING = new FieldSelector([]);

  matches(fields: FieldSet): boolean {
    return this.requirements.every((r) => {
      const have = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field]! : '';
      return r.operator === '=' ? have === r.value : have !== r.value;
    });
  }
  empty(): boolean { return this.requirements.length === 0; }
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
  /** The value `field` must equal, if one term pins it (`metadata.name=web` lets a GET replace a LIST). */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }
  /** Rewrites every term; upstream's Selector.Transform (terms mapped to ''='' are dropped). */
  transform(fn: (field: string, value: string) => [string, string]): FieldSelector {
    const out: FieldRequirement[] = [];
    for (const r of this.requirements) {
      const [field, value] = fn(r.field, r.value);
      if (field !== '' || value !== '') out.push({ field, operator: r.operator, value });
    }
    return new FieldSelector(out);
  }
}

/** fields.EscapeValue: `\`, `,` and `=` get a backslash so values can hold them. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** fields.UnescapeValue; throws Error with upstream's message on a bad escape. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v, i.e. as its number.
      throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas that are not escaped; escapes stay in the terms. */
function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') { terms.push(s.slice(start, i)); start = i + 1; }
  }
  terms.push(s.slice(start));
  return terms;
}

/** The first operator occurrence splits a term; `!=` and `==` win over `=` at the same place. */
function splitTerm(term: string): [string, '!=' | '==' | '=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/**
 * fields.ParseSelector: the `fieldSelector` query syntax (`a=b,c!=d`, `\,` `\=` `\\` escapes).
 * Throws ApiError 400 BadRequest with upstream's message on bad input.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  // Upstream sorts the raw terms (byte order) before parsing them.
  const parts = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, op, rhs] = split;
    let value: string;
    try {
      value = unescapeFieldValue(rhs);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    reqs.push({ field, operator: op === '!=' ? '!=' : '=', value });
  }
  return new FieldSelector(reqs);
}

/**
 * Which field labels a kind accepts in a field selector (upstream's field label conversion
 * function for that kind). Kinds without one accept only metadata.name/metadata.namespace.
 */
export interface FieldLabelPolicy {
  readonly labels: readonly string[];
  /** Old names still accepted and rewritten (pods: `spec.host` means `spec.nodeName`). */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Kinds with their own conversion function answer `field label not supported: X`. */
  readonly custom: boolean;
}

/** Kinds that registered no conversion function (ConfigMap, PVC, StatefulSet, ...). */
export const DEFAULT_FIELD_LABELS: FieldLabelPolicy = { labels: ['metadata.name', 'metadata.namespace'], custom: false };

/** A kind with its own conversion function accepting exactly `labels`. */
export function customFieldLabels(labels: readonly string[], aliases?: Readonly<Record<string, string>>): FieldLabelPolicy {
  return aliases ? { labels, aliases, custom: true } : { labels, custom: true };
}

/**
 * Checks and rewrites a parsed selector for one kind, as the API server does before a list or
 * watch. Throws ApiError 400 BadRequest on the first unsupported label (in the selector's order).
 */
export function convertFieldSelector(sel: FieldSelector, policy: FieldLabelPolicy): FieldSelector {
  return sel.transform((field, value) => {
    if (policy.labels.includes(field)) return [field, value];
    const alias = policy.aliases?.[field];
    if (alias !== undefined) return [alias, value];
    if (policy.custom) throw badRequest(`field label not supported: ${field}`);
    throw badRequest(`${goQuote(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
  });
}
