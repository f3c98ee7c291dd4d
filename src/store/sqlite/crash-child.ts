// Child process for crash.test.ts: writes to a store in a loop and prints every acknowledged
// write (after its promise resolved) until it is killed. Compaction runs often and in small
// batches, so the kill can also land in the middle of one.
//   c <key> <revision>      a create (the key is never written again)
//   u <revision> <counter>  an update of /crash/counter to <counter>
import { openSqliteStore } from './store.js';

const [path, round] = process.argv.slice(2);
const store = await openSqliteStore(path, { retainRevisions: 50, retainMs: 0, compactIntervalMs: 2, compactBatch: 7 });
const enc = (s: string) => new TextEncoder().encode(s);
const value = enc('v'.repeat(300));

let counter = await store.get('/crash/counter');
let n = counter ? Number(new TextDecoder().decode(counter.value)) : 0;
counter ??= await store.create('/crash/counter', enc(String(n)));
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const key = `/crash/r${round}/k${i}`;
  const kv = await store.create(key, value);
  process.stdout.write(`c ${key} ${kv.modRevision}\n`); // pipes are synchronous on Linux
  n++;
  counter = await store.update('/crash/counter', enc(String(n)), counter.modRevision);
  process.stdout.write(`u ${counter.modRevision} ${n}\n`);
  if (i % 64 === 0) await new Promise((r) => setImmediate(r)); // let the compaction timer run
}
