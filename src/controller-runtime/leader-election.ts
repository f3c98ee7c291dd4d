// Leader election on a coordination.k8s.io/v1 Lease (client-go tools/leaderelection).
//
// Guarantee: two electors with the same lease never both believe they lead, provided their
// clocks run at the same rate (not: agree on the time). How:
// - Every write goes through the API with the resourceVersion that was read (optimistic
//   concurrency): of two racing candidates one gets 409 Conflict (or AlreadyExists on create)
//   and simply tries again later.
// - A candidate takes a lease held by someone else only after the lease record has not changed
//   for leaseDurationSeconds as measured on the candidate's own clock from when it observed the
//   record — never by comparing the holder's renewTime with its own clock.
// - The leader stops leading (aborts the signal given to onStartedLeading) as soon as
//   renewDeadlineMs have passed since the start of its last successful renewal, even while a
//   renew request still hangs. renewDeadline < leaseDuration, so it has stepped down before
//   anyone else may take over.
//
// Lifecycle of runLeaderElection(config, signal):
//   candidate: try to acquire every retryPeriod (jittered) until it succeeds or signal aborts;
//   leader:    onStartedLeading(leaderSignal) runs; the lease is renewed every retryPeriod;
//   lost:      renewals failed until the deadline → leaderSignal aborts, onStoppedLeading(),
//              and runLeaderElection resolves once onStartedLeading's promise settled;
//   shutdown:  signal aborts → leaderSignal aborts, onStartedLeading's promise is awaited, the
//              lease is released (holder cleared, so a successor takes over at once rather than
//              after the lease expires), onStoppedLeading(), resolve.
// To campaign again after losing, call runLeaderElection again (with fresh controllers:
// work done under the old leaderSignal must not continue).

import type { LeaseSpec } from 'kubernetes-types/coordination/v1.js';
import { Leases, apiVersionOf, isNotFound, type KubeObject } from '../core/index.js';
import type { Reader, Writer } from '../client/index.js';
import { childSignal, realClock, sleep, type Clock } from './clock.js';
import { consoleLogger, type Logger } from './log.js';

export interface LeaderElectionConfig {
  readonly client: Reader & Writer;
  readonly lease: { readonly namespace: string; readonly name: string };
  /** Unique per candidate process (e.g. hostname + random suffix). */
  readonly identity: string;
  readonly leaseDurationSeconds?: number;   // default 15
  readonly renewDeadlineMs?: number;        // default 10 000
  readonly retryPeriodMs?: number;          // default 2 000
  /** Clear the holder on shutdown so a successor need not wait out the lease; default true. */
  readonly releaseOnCancel?: boolean;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly random?: () => number;
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading?(): void;
  /** Called when the observed holder changes (including to ourselves). */
  onNewLeader?(identity: string): void;
}

type Lease = KubeObject & { spec?: LeaseSpec };

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const TIMEOUT = Symbol('timeout');
/** Resolves with p's value, or TIMEOUT after ms on clock (or when signal aborts). */
async function within<V>(p: Promise<V>, clock: Clock, ms: number, signal: AbortSignal): Promise<V | typeof TIMEOUT> {
  const timer = childSignal(signal);
  try {
    const timeout = sleep(clock, ms, timer.controller.signal).then((): typeof TIMEOUT => TIMEOUT);
    return await Promise.race<V | typeof TIMEOUT>([p, timeout]);
  } finally {
    timer.controller.abort();
    timer.dispose();
  }
}

export async function runLeaderElection(config: LeaderElectionConfig, signal: AbortSignal): Promise<void> {
  const { client, identity } = config;
  const clock = config.clock ?? realClock;
  const logger = config.logger ?? consoleLogger;
  const random = config.random ?? Math.random;
  const leaseSeconds = config.leaseDurationSeconds ?? 15;
  const renewDeadlineMs = config.renewDeadlineMs ?? 10_000;
  const retryMs = config.retryPeriodMs ?? 2_000;
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1) throw new Error('leaseDurationSeconds must be a positive integer');
  if (leaseSeconds * 1000 <= renewDeadlineMs) throw new Error('leaseDurationSeconds must be greater than renewDeadline');
  if (renewDeadlineMs <= retryMs * 1.2) throw new Error('renewDeadline must be greater than retryPeriod*1.2');
  const key = { namespace: config.lease.namespace, name: config.lease.name };
  const where = { lease: `${key.namespace}/${key.name}`, identity };

  // What we last saw, and when (our clock) it last changed: the basis of expiry decisions.
  let observed: Lease | undefined;
  let observedAt = 0;
  let lastHolder: string | undefined;
  const observe = (lease: Lease) => {
    if (!observed || JSON.stringify(observed.spec) !== JSON.stringify(lease.spec)) observedAt = clock.now();
    observed = lease;
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder && holder !== lastHolder) {
      lastHolder = holder;
      try { config.onNewLeader?.(holder); } catch (error) { logger.error('leader election: onNewLeader failed', { ...where, error }); }
    }
  };

  /** One attempt; true when we hold the lease afterwards. Never throws. */
  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const now = microTime(clock.now());
    let current: Lease;
    try {
      current = await client.get<Lease>(Leases, key);
    } catch (error) {
      if (!isNotFound(error)) { logger.error('leader election: cannot read the lease', { ...where, error }); return false; }
      const spec: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: leaseSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 };
      try {
        observe(await client.create<Lease>(Leases, { apiVersion: apiVersionOf(Leases), kind: Leases.kind, metadata: { ...key }, spec }));
        return true;
      } catch (e) {
        logger.info('leader election: lost the race to create the lease', { ...where, error: e });
        return false;
      }
    }
    observe(current);
    const old = current.spec ?? {};
    const holder = old.holderIdentity ?? '';
    const mine = holder === identity;
    if (holder && !mine && observedAt + (old.leaseDurationSeconds ?? leaseSeconds) * 1000 > clock.now()) return false;
    const spec: LeaseSpec = {
      holderIdentity: identity, leaseDurationSeconds: leaseSeconds, renewTime: now,
      acquireTime: mine ? old.acquireTime ?? now : now,
      leaseTransitions: mine ? old.leaseTransitions ?? 0 : (old.leaseTransitions ?? 0) + 1,
    };
    try {
      observe(await client.update<Lease>(Leases, { ...current, spec }));
      return true;
    } catch (error) {
      // A Conflict means someone wrote first; we read again next round.
      logger.info('leader election: lease update failed', { ...where, error });
      return false;
    }
  };

  const release = async () => {
    if (observed?.spec?.holderIdentity !== identity) return;
    const now = microTime(clock.now());
    const spec: LeaseSpec = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: observed.spec.leaseTransitions ?? 0 };
    try {
      observe(await client.update<Lease>(Leases, { ...observed, spec }));
      logger.info('leader election: released the lease', where);
    } catch (error) {
      logger.error('leader election: release failed; successors wait for the lease to expire', { ...where, error });
    }
  };

  // ── candidate ──
  let lastRenewStart: number;
  for (;;) {
    if (signal.aborted) return;
    const start = clock.now();
    const r = await within(tryAcquireOrRenew(), clock, renewDeadlineMs, signal);
    if (signal.aborted) return;
    if (r === true) { lastRenewStart = start; break; }
    await sleep(clock, retryMs * (1 + 1.2 * random()), signal);
  }

  // ── leader ──
  logger.info('leader election: acquired the lease', where);
  const leader = childSignal(signal);
  const work = (async () => { await config.onStartedLeading(leader.controller.signal); })()
    .catch((error) => logger.error('leader election: onStartedLeading failed', { ...where, error }));

  let lost = false;
  renew: while (!signal.aborted) {
    if (!(await sleep(clock, retryMs, signal))) break;
    // Retry within this round until a renewal succeeds or the deadline passes.
    for (;;) {
      const deadline = lastRenewStart + renewDeadlineMs;
      const start = clock.now();
      if (start >= deadline) { lost = true; break renew; }
      const r = await within(tryAcquireOrRenew(), clock, deadline - start, signal);
      if (signal.aborted) break renew;
      if (r === true) { lastRenewStart = start; break; }
      if (clock.now() >= deadline) { lost = true; break renew; }
      if (!(await sleep(clock, Math.min(retryMs, deadline - clock.now()), signal))) break renew;
    }
  }

  leader.controller.abort();
  leader.dispose();
  if (lost) {
    logger.error('leader election: failed to renew the lease in time; stopped leading', where);
    config.onStoppedLeading?.();
    await work;
    return;
  }
  await work;
  if (config.releaseOnCancel ?? true) await release();
  config.onStoppedLeading?.();
}
