// Field paths spelled as upstream's field.Path prints them: `spec.containers[0].ports[1]`,
// map keys in brackets without quotes: `metadata.labels[app]`.

export function child(base: string, ...names: string[]): string {
  return names.reduce((p, n) => (p ? `${p}.${n}` : n), base);
}

export function index(base: string, i: number): string {
  return `${base}[${i}]`;
}

export function key(base: string, k: string): string {
  return `${base}[${k}]`;
}
