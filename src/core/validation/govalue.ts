// Bad values that upstream prints with Go's %#v (maps, slices, structs) cannot be rendered
// from JSON faithfully. A GoValue carries the exact Go spelling; it stringifies to it, and
// serialises to it as a JSON string, so error rendering can show it verbatim.

export class GoValue {
  constructor(readonly repr: string) {}
  toString(): string {
    return this.repr;
  }
  toJSON(): string {
    return this.repr;
  }
}

const q = (s: string): string => JSON.stringify(s);

/** map[string]string{"a":"b", "c":"d"} with keys sorted, as fmt prints maps. */
export function goStringMap(m: Record<string, string> | undefined | null, type = 'map[string]string'): GoValue {
  if (!m) return new GoValue(`${type}(nil)`);
  const body = Object.keys(m).sort().map((k) => `${q(k)}:${q(String(m[k]))}`).join(', ');
  return new GoValue(`${type}{${body}}`);
}

/** []string{"a", "b"} */
export function goStringSlice(v: readonly string[] | undefined | null, type = '[]string'): GoValue {
  if (!v) return new GoValue(`${type}(nil)`);
  return new GoValue(`${type}{${v.map((s) => q(String(s))).join(', ')}}`);
}

