// The Go value rendering selector messages embed (quoted strings, string slices, aggregates),
// and the label syntax checks selectors use.

// Name and label checks live once, in validation/names.ts; selectors use the same ones.
export { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './validation/names.js';

export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's %#v of a []string: `[]string{"a", "b"}`, `[]string{}` or `[]string(nil)`. */
export function goStringSlice(values: readonly string[], isNil = false): string {
  if (isNil && values.length === 0) return '[]string(nil)';
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several deduplicated in `[a, b]`. */
export function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}
