// A multi-map from a key (pod uid, namespace/name) to record ids, so the sim runtime's per-pod
// lookups stay proportional to the pod, not to the node, at thousands of pods.

export class Index {
  private readonly m = new Map<string, Set<string>>();
  add(key: string, id: string): void {
    let s = this.m.get(key);
    if (!s) this.m.set(key, (s = new Set()));
    s.add(id);
  }
  remove(key: string, id: string): void {
    const s = this.m.get(key);
    s?.delete(id);
    if (s?.size === 0) this.m.delete(key);
  }
  get(key: string): ReadonlySet<string> {
    return this.m.get(key) ?? new Set();
  }
}
