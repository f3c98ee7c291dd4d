// openStore(url): the one place a store URL becomes a backend. The registry is a literal map
// (scheme -> factory), so which backends exist is visible here, not decided by import order.
import { openSqliteStore, type SqliteStoreOptions } from './sqlite/index.js';
import type { Store } from './types.js';

/** Options for any backend; each backend reads the ones it knows. */
export type StoreOptions = SqliteStoreOptions;

type Factory = (location: string, opts: StoreOptions) => Promise<Store>;

const backends: Readonly<Record<string, Factory>> = {
  // sqlite://<path>: relative to the working directory, or absolute (sqlite:///var/lib/berth.db).
  sqlite: (location, opts) => {
    if (!location) return Promise.reject(new Error('sqlite store URL needs a path: sqlite://<path> or sqlite://:memory:'));
    return openSqliteStore(location, opts);
  },
  memory: (location, opts) => {
    if (location) return Promise.reject(new Error(`memory store URL takes no path: memory:// (got memory://${location})`));
    return openSqliteStore(':memory:', opts);
  },
  etcd: () => Promise.reject(new Error('etcd:// stores are not implemented yet; use sqlite://<path> or memory://')),
};

/**
 * Opens the store a URL names: `sqlite://<path>`, `sqlite://:memory:` or `memory://`
 * (in-memory SQLite, gone on close). `etcd://` is reserved and not implemented yet.
 */
export function openStore(url: string, opts: StoreOptions = {}): Promise<Store> {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url);
  if (!m) return Promise.reject(new Error(`invalid store URL ${JSON.stringify(url)}: expected <scheme>://...`));
  const scheme = m[1].toLowerCase();
  const factory = Object.hasOwn(backends, scheme) ? backends[scheme] : undefined;
  if (!factory) {
    return Promise.reject(new Error(`unknown store scheme ${scheme}:// (supported: ${Object.keys(backends).map((s) => `${s}://`).join(', ')})`));
  }
  return factory(m[2], opts);
}
