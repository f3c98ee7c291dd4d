// StateStore: where a runtime keeps the records it must not forget when the agent restarts
// (sandboxes, containers, allocated IPs). The sim runtime uses one; the linux runtime can back
// the same interface with files under its data directory.
//
// Contract:
// - Records are plain JSON-compatible values keyed by a string; put replaces, delete of a
//   missing key succeeds.
// - list() returns every record put and not deleted, in no particular order.
// - A store may be shared by successive runtime instances (that is the point: a new runtime
//   loads what the old one left), but by one runtime instance at a time.

export interface StateStore<T> {
  list(): Promise<Array<{ key: string; value: T }>>;
  put(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

/** In-memory store: survives runtime instances in one process, not the process. */
export function memoryStateStore<T>(): StateStore<T> {
  const records = new Map<string, T>();
  return {
    async list() { return [...records].map(([key, value]) => ({ key, value: structuredClone(value) })); },
    async put(key, value) { records.set(key, structuredClone(value)); },
    async delete(key) { records.delete(key); },
  };
}
