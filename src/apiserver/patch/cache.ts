// Small caches of values computed from a few recurring strings (identities, path elements,
// User-Agents): bounded by clearing them whole, which a workload with few distinct keys never does.

/** The value cached under `key`, made (and kept) on a miss. */
export function cached<V>(cache: Map<string, V>, max: number, key: string, make: (key: string) => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    v = make(key);
    if (cache.size >= max) cache.clear();
    cache.set(key, v);
  }
  return v;
}
