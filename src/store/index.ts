// The store module's public surface. Other modules import only from here.
export * from './types.js';
export { openStore, type StoreOptions } from './open.js';
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from './sqlite/index.js';
export { prefixEnd, compareKeys } from './keys.js';
export { runStoreConformance, type StoreFactory } from './conformance.js';
