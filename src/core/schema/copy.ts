// Copies of decoded API objects. They are JSON data (plain objects, arrays, strings, numbers,
// booleans, null), for which a direct recursive copy is several times cheaper than
// structuredClone or a JSON round trip (a pod: ~4 us against ~35 us).

/**
 * Exactly what JSON.parse(JSON.stringify(value)) returns, without the text in between:
 * undefined, function and symbol members are left out (null in arrays), non-finite numbers
 * become null, anything that is not a plain object or array (a Date, ...) goes through JSON.
 */
export function jsonCopy<T>(value: T): T {
  return copy(value) as T;
}

function copy(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v + 0 : null; // + 0 turns -0 into 0, as JSON does
    case 'object':
      break;
    default:
      return typeof v === 'bigint' ? JSON.stringify(v) /* throws, as JSON does */ : undefined;
  }
  if (v === null) return null;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i]) ?? null;
    return out;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return JSON.parse(JSON.stringify(v)) as unknown;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = copy((v as Record<string, unknown>)[k]);
    if (x !== undefined) out[k] = x;
  }
  return out;
}
