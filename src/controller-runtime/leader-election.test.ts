import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Leases, type KubeObject } from '../core/index.js';
import { microTime, runLeaderElection, type LeaderElectionConfig } from './leader-election.js';
import { FakeApiClient, networkError } from './testing/fake-client.js';
import { FakeClock } from './testing/fake-clock.js';
import { silentLogger } from './log.js';

const LEASE = { namespace: 'kube-system', name: 'berth-controllers' };

interface LeaseSpecView { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number }
const specOf = async (c: FakeApiClient) => ((await c.get<KubeObject>(Leases, LEASE)).spec ?? {}) as LeaseSpecView;

/** Candidates sharing one fake API and one fake clock; each can be cut off from the API. */
function cluster() {
  const api = new FakeApiClient();
  const clock = new FakeClock();
  const leading = new Set<string>();
  const violations: string[] = [];
  const log: string[] = [];
  const faults = new Map<string, 'hang' | 'fail'>();

  function candidate(identity: string, extra: Partial<LeaderElectionConfig> = {}) {
    const ac = new AbortController();
    const client = api.withHooks({
      before: () => {
        const f = faults.get(identity);
        if (f === 'fail') throw networkError();
        if (f === 'hang') return new Promise<void>(() => {});
      },
    });
    const done = runLeaderElection({
      client, lease: LEASE, identity, clock, logger: silentLogger, random: () => 0,
      onStartedLeading(signal) {
        if (leading.size > 0) violations.push(`${identity} started while ${[...leading].join()} led at ${clock.now()}`);
        leading.add(identity);
        log.push(`+${identity}`);
        signal.addEventListener('abort', () => { leading.delete(identity); log.push(`-${identity}`); });
      },
      onStoppedLeading: () => log.push(`stopped:${identity}`),
      ...extra,
    }, ac.signal);
    return { ac, done };
  }

  /** Advances time in small steps, checking at every step that at most one leads. */
  async function run(ms: number, step = 100) {
    for (let t = 0; t < ms; t += step) {
      await clock.advance(step);
      if (leading.size > 1) violations.push(`both lead at ${clock.now()}: ${[...leading].join()}`);
    }
  }
  return { api, clock, leading, violations, log, faults, candidate, run };
}

test('the lease records holder, duration, times and transitions; renewals move renewTime only', async () => {
  const c = cluster();
  const a = c.candidate('a');
  await c.run(100);
  assert.deepEqual([...c.leading], ['a']);
  const first = await specOf(c.api);
  assert.equal(first.holderIdentity, 'a');
  assert.equal(first.leaseDurationSeconds, 15);
  assert.equal(first.leaseTransitions, 0);
  assert.match(first.renewTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.equal(first.acquireTime, first.renewTime);
  await c.run(5000);
  const later = await specOf(c.api);
  assert.equal(later.acquireTime, first.acquireTime);
  assert.ok(later.renewTime! > first.renewTime!, 'renewed');
  a.ac.abort();
  await c.run(100);
  await a.done;
  assert.equal(microTime(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), '2024-01-02T03:04:05.678000Z');
});

test('two candidates: exactly one leads, and the other never takes over while the leader renews', async () => {
  const c = cluster();
  const a = c.candidate('a');
  const b = c.candidate('b');
  await c.run(60_000);
  assert.equal(c.leading.size, 1);
  assert.deepEqual(c.violations, []);
  assert.equal((await specOf(c.api)).leaseTransitions, 0);
  a.ac.abort(); b.ac.abort();
  await c.run(1000);
  await Promise.all([a.done, b.done]);
});

for (const fault of ['hang', 'fail'] as const) {
  test(`a leader cut off from the API (${fault}) steps down before the other candidate takes over`, async () => {
    const c = cluster();
    const a = c.candidate('a');
    await c.run(100);
    const b = c.candidate('b');
    await c.run(10_000);
    assert.deepEqual([...c.leading], ['a']);

    c.faults.set('a', fault);
    const cutAt = c.clock.now();
    await c.run(40_000);
    assert.deepEqual(c.violations, []);
    assert.deepEqual([...c.leading], ['b']);
    assert.ok(c.log.indexOf('-a') < c.log.indexOf('+b'), c.log.join());
    assert.ok(c.log.includes('stopped:a'));
    await a.done; // a lost: runLeaderElection resolved
    const spec = await specOf(c.api);
    assert.equal(spec.holderIdentity, 'b');
    assert.equal(spec.leaseTransitions, 1);
    assert.ok(c.clock.now() - cutAt >= 15_000);

    // a comes back and campaigns again: it must wait, b keeps renewing.
    c.faults.delete('a');
    const again = c.candidate('a');
    await c.run(60_000);
    assert.deepEqual([...c.leading], ['b']);
    assert.deepEqual(c.violations, []);
    again.ac.abort(); b.ac.abort();
    await c.run(1000);
    await Promise.all([again.done, b.done]);
  });
}

test('shutdown releases the lease: the successor takes over within a retry period, not a lease duration', async () => {
  const c = cluster();
  let workStopped = false;
  const a = c.candidate('a', {
    onStartedLeading: (signal) => new Promise<void>((resolve) => {
      c.leading.add('a');
      signal.addEventListener('abort', () => { c.leading.delete('a'); workStopped = true; resolve(); });
    }),
  });
  await c.run(100);
  const b = c.candidate('b');
  await c.run(10_000);
  assert.deepEqual([...c.leading], ['a']);
  a.ac.abort();
  await c.run(100);
  await a.done;
  assert.equal(workStopped, true);
  assert.equal((await specOf(c.api)).holderIdentity, '');
  const releasedAt = c.clock.now();
  await c.run(5000);
  assert.deepEqual([...c.leading], ['b']);
  const spec = await specOf(c.api);
  assert.equal(spec.holderIdentity, 'b');
  assert.equal(spec.leaseTransitions, 1);
  assert.ok(Date.parse(spec.acquireTime!) - releasedAt < 5000, 'took over at once');
  b.ac.abort();
  await c.run(100);
  await b.done;
});

test('a Conflict on renewal is retried within the deadline and leadership is kept', async () => {
  const c = cluster();
  let conflicts = 2;
  const a = c.candidate('a', {
    client: c.api.withHooks({
      before: async (verb) => {
        // Someone else writes the lease between our get and our update: our update conflicts.
        if (verb === 'update' && conflicts > 0) {
          conflicts--;
          const l = await c.api.get<KubeObject>(Leases, LEASE);
          await c.api.update(Leases, { ...l, metadata: { ...l.metadata, labels: { touched: String(conflicts) } } });
        }
      },
    }),
  });
  await c.run(30_000);
  assert.deepEqual([...c.leading], ['a']);
  assert.equal(conflicts, 0, 'both conflicts happened');
  assert.ok(!c.log.includes('-a'), 'never stepped down');
  const spec = await specOf(c.api);
  assert.equal(spec.holderIdentity, 'a');
  assert.ok(c.clock.now() - Date.parse(spec.renewTime!) <= 2000, 'still renewing');
  a.ac.abort();
  await c.run(100);
  await a.done;
});

test('rejects timings that cannot guarantee mutual exclusion', async () => {
  const c = cluster();
  const base = { client: c.api, lease: LEASE, identity: 'x', onStartedLeading: () => {} };
  await assert.rejects(runLeaderElection({ ...base, leaseDurationSeconds: 10, renewDeadlineMs: 10_000 }, new AbortController().signal), /greater than renewDeadline/);
  await assert.rejects(runLeaderElection({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }, new AbortController().signal), /retryPeriod/);
});
