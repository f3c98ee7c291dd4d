// The conformance suite every Store backend must pass. A backend's test file calls
// `runStoreConformance('sqlite (file)', () => openSqliteStore(...))`; each test gets a fresh,
// empty store from the factory and closes it.
import { describe } from 'node:test';
import { historyTests } from './conformance/history.js';
import { kvTests } from './conformance/kv.js';
import { listTests } from './conformance/list.js';
import type { StoreFactory } from './conformance/util.js';
import { watchTests } from './conformance/watch.js';

export type { StoreFactory };

export function runStoreConformance(name: string, factory: StoreFactory): void {
  describe(`store conformance: ${name}`, () => {
    describe('keys and revisions', () => kvTests(factory));
    describe('list', () => listTests(factory));
    describe('history and compaction', () => historyTests(factory));
    describe('watch', () => watchTests(factory));
  });
}
