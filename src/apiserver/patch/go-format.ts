// Go's fmt `%v` rendering of decoded JSON values (map[string]interface{}, []interface{}, ...),
// because upstream's patch errors print the patch and its pieces that way:
// `map[spec:map[replicas:abc]]`, `[a b]`, `<nil>`. Pure formatting; no Kubernetes knowledge.

/** `%v` of a JSON value as Go prints the unmarshalled interface{} (map keys sorted). */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  const o = v as Record<string, unknown>;
  return `map[${Object.keys(o).sort().map((k) => `${k}:${goValue(o[k])}`).join(' ')}]`;
}

/** Integers print as int64 does; other numbers as float64's %v (shortest, exponent past 1e21). */
function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  // Go spells small exponents with two digits (1e-07) and always signs them.
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Go's reflect type name of a decoded JSON value, as ErrBadArgType prints it. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}
