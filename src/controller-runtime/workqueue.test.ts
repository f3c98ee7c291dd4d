import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './workqueue.js';
import { BucketRateLimiter, ExponentialFailureRateLimiter, defaultControllerRateLimiter } from './rate-limiter.js';
import { FakeClock, settle } from './testing/fake-clock.js';

/** Takes every key that is ready now, marking each done at once. */
async function drain(q: WorkQueue<string>): Promise<string[]> {
  const out: string[] = [];
  while (q.len() > 0) {
    const k = (await q.get())!;
    out.push(k);
    q.done(k);
  }
  return out;
}

test('fair: keys come out in the order they were added', async () => {
  const q = new WorkQueue<string>();
  for (const k of ['c', 'a', 'b']) q.add(k);
  assert.deepEqual(await drain(q), ['c', 'a', 'b']);
});

test('stingy: a key added twice before processing is processed once', async () => {
  const q = new WorkQueue<string>();
  q.add('a'); q.add('b'); q.add('a');
  assert.equal(q.len(), 2);
  assert.deepEqual(await drain(q), ['a', 'b']);
});

test('one worker per key: a key re-added while processing waits for done, then goes to the back', async () => {
  const q = new WorkQueue<string>();
  q.add('a');
  const a = await q.get();
  assert.equal(a, 'a');
  q.add('a'); q.add('a'); // dirty while processing: remembered once, not handed out
  q.add('b');
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'b');
  let second: string | undefined;
  void q.get().then((k) => { second = k; });
  await settle();
  assert.equal(second, undefined, 'a must not be handed to a second worker while in flight');
  q.done('a');
  await settle();
  assert.equal(second, 'a');
  q.done('b');
  q.done('a');
  assert.equal(q.len(), 0);
});

test('a blocked worker is woken by add', async () => {
  const q = new WorkQueue<string>();
  const p = q.get();
  q.add('x');
  assert.equal(await p, 'x');
  assert.equal(q.inFlight(), 1);
});

test('addAfter: keys become ready in deadline order on the injected clock', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  q.addAfter('slow', 30);
  q.addAfter('fast', 10);
  q.addAfter('mid', 20);
  q.addAfter('tie', 20);
  await clock.advance(9);
  assert.equal(q.len(), 0);
  await clock.advance(1);
  assert.deepEqual(await drain(q), ['fast']);
  await clock.advance(20);
  assert.deepEqual(await drain(q), ['mid', 'tie', 'slow']);
});

test('addAfter: a key already waiting keeps the earlier deadline', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  q.addAfter('k', 100);
  q.addAfter('k', 500);   // later: ignored
  await clock.advance(100);
  assert.deepEqual(await drain(q), ['k']);
  q.addAfter('k', 500);
  q.addAfter('k', 50);    // earlier: replaces
  await clock.advance(50);
  assert.deepEqual(await drain(q), ['k']);
  await clock.advance(1000);
  assert.equal(q.len(), 0, 'the replaced timer must not fire');
});

test('addRateLimited: per-key backoff doubles from 5 ms, forget resets it', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock, rateLimiter: new ExponentialFailureRateLimiter(5, 1_000_000) });
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = clock.now();
    q.addRateLimited('k');
    while (q.len() === 0) await clock.advance(1);
    delays.push(clock.now() - start);
    await drain(q);
  }
  assert.deepEqual(delays, [5, 10, 20, 40, 80]);
  assert.equal(q.numRequeues('k'), 5);
  q.forget('k');
  assert.equal(q.numRequeues('k'), 0);
});

test('exponential limiter caps at 1000 s and never overflows', () => {
  const rl = new ExponentialFailureRateLimiter<string>(5, 1_000_000);
  let last = 0;
  for (let i = 0; i < 2000; i++) last = rl.when('k');
  assert.equal(last, 1_000_000);
  assert.equal(rl.when('other'), 5, 'keys back off independently');
});

test('token bucket: burst of 100 immediate, then 10 per second', async () => {
  const clock = new FakeClock();
  const rl = new BucketRateLimiter<string>(10, 100, clock);
  for (let i = 0; i < 100; i++) assert.equal(rl.when(), 0);
  assert.equal(rl.when(), 100);
  assert.equal(rl.when(), 200);
  await clock.advance(1000); // 10 tokens repay the debt of 2 and leave 8
  for (let i = 0; i < 8; i++) assert.equal(rl.when(), 0);
  assert.ok(rl.when() > 0);
});

test('default controller limiter: the worse of per-key backoff and the overall bucket', () => {
  const clock = new FakeClock();
  const rl = defaultControllerRateLimiter<string>(clock);
  assert.equal(rl.when('a'), 5);
  assert.equal(rl.when('a'), 10);
  for (let i = 0; i < 98; i++) rl.when(`k${i}`);
  assert.equal(rl.when('b'), 100, 'bucket exhausted: 100 ms for the next token beats 5 ms');
  assert.equal(rl.numRequeues('a'), 2);
});

test('shutdown: waiting workers get undefined, adds are ignored, timers are cancelled', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  const waiting = q.get();
  q.addAfter('later', 1000);
  q.shutdown();
  assert.equal(await waiting, undefined);
  assert.equal(clock.pending(), 0);
  q.add('x');
  assert.equal(q.len(), 0);
  assert.equal(await q.get(), undefined);
});

test('get honours its AbortSignal', async () => {
  const q = new WorkQueue<string>();
  const ac = new AbortController();
  const p = q.get(ac.signal);
  ac.abort();
  assert.equal(await p, undefined);
  q.add('a');
  assert.equal(q.len(), 1, 'the aborted waiter must not swallow the key');
});

test('onDepthChange reports queue length', async () => {
  const depths: number[] = [];
  const q = new WorkQueue<string>({ onDepthChange: (d) => depths.push(d) });
  q.add('a'); q.add('b'); q.add('a');
  await q.get();
  assert.deepEqual(depths, [1, 2, 1]);
});
