// What the agent starts next: init-container order, restart policies, crash-loop backoff.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus } from '../runtime/index.js';
import { Backoff } from './backoff.js';
import { planPod } from './plan.js';

const T0 = 1_800_000_000_000;
const probes = { started: () => true, ready: () => true };

function pod(spec: Partial<Pod['spec']>): Pod {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec } as Pod['spec'] };
}

function c(name: string, state: ContainerStatus['state'], over: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    id: `${name}-${over.attempt ?? 0}`, sandboxId: 's', podUid: 'u', name, attempt: 0, image: 'busybox', imageRef: 'r', state,
    createdAt: new Date(T0), startedAt: new Date(T0), finishedAt: state === 'exited' ? new Date(T0 + 1000) : undefined, exitCode: state === 'exited' ? 0 : undefined,
    ...over,
  };
}

const names = (p: ReturnType<typeof planPod>) => p.start.map((s) => `${s.container.name}#${s.attempt}`);

test('a new pod starts its first init container only', () => {
  const p = pod({ initContainers: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }] });
  assert.deepEqual(names(planPod(p, [], probes, new Backoff(), T0)), ['i1#0']);
  assert.deepEqual(names(planPod(p, [c('i1', 'running')], probes, new Backoff(), T0)), [], 'waits while it runs');
  assert.deepEqual(names(planPod(p, [c('i1', 'exited')], probes, new Backoff(), T0)), ['i2#0']);
  assert.deepEqual(names(planPod(p, [c('i1', 'exited'), c('i2', 'exited')], probes, new Backoff(), T0)), ['app#0']);
});

test('a failed init container is retried, except under restartPolicy Never', () => {
  const failed = [c('i1', 'exited', { exitCode: 1 })];
  const spec = { initContainers: [{ name: 'i1', image: 'x' }] };
  assert.deepEqual(names(planPod(pod(spec), failed, probes, new Backoff(), T0 + 2000)), ['i1#1']);
  assert.deepEqual(names(planPod(pod({ ...spec, restartPolicy: 'Never' }), failed, probes, new Backoff(), T0 + 2000)), []);
});

test('sidecars start before the next init container and keep running beside the app', () => {
  const p = pod({ initContainers: [{ name: 'side', image: 'x', restartPolicy: 'Always' }, { name: 'i1', image: 'x' }] });
  assert.deepEqual(names(planPod(p, [], probes, new Backoff(), T0)), ['side#0']);
  assert.deepEqual(names(planPod(p, [c('side', 'running')], { ...probes, started: () => false }, new Backoff(), T0)), [], 'until started');
  assert.deepEqual(names(planPod(p, [c('side', 'running')], probes, new Backoff(), T0)), ['i1#0']);
  assert.deepEqual(names(planPod(p, [c('side', 'running'), c('i1', 'exited')], probes, new Backoff(), T0)), ['app#0']);
  const later = [c('side', 'exited', { exitCode: 0 }), c('i1', 'exited'), c('app', 'running')];
  assert.deepEqual(names(planPod(p, later, probes, new Backoff(), T0 + 2000)), ['side#1'], 'a sidecar always restarts');
});

test('restart policies decide which exited containers start again', () => {
  const ok = [c('app', 'exited', { exitCode: 0 })];
  const bad = [c('app', 'exited', { exitCode: 2 })];
  const plan = (policy: string, cs: ContainerStatus[]) => names(planPod(pod({ restartPolicy: policy }), cs, probes, new Backoff(), T0 + 2000));
  assert.deepEqual(plan('Always', ok), ['app#1']);
  assert.deepEqual(plan('OnFailure', ok), []);
  assert.deepEqual(plan('OnFailure', bad), ['app#1']);
  assert.deepEqual(plan('Never', bad), []);
});

test('crash-loop backoff: first restart at once, then 10 s, then 20 s', () => {
  const backoff = new Backoff();
  const p = pod({});
  const exit1 = c('app', 'exited', { exitCode: 1, finishedAt: new Date(T0 + 1000) });
  const first = planPod(p, [exit1], probes, backoff, T0 + 1000);
  assert.deepEqual(names(first), ['app#1']);
  backoff.next('u/app', T0 + 1000);
  const exit2 = c('app', 'exited', { attempt: 1, exitCode: 1, finishedAt: new Date(T0 + 2000) });
  const held = planPod(p, [exit1, exit2], probes, backoff, T0 + 3000);
  assert.deepEqual(names(held), []);
  assert.equal(held.requeueAfterMs, 9000);
  assert.deepEqual(held.waiting.get('app'), { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=p_ns(u)' });
  assert.deepEqual(held.backingOff, [{ name: 'app', init: false }]);
  assert.deepEqual(names(planPod(p, [exit1, exit2], probes, backoff, T0 + 12_000)), ['app#2']);
  backoff.next('u/app', T0 + 2000);
  assert.equal(backoff.remaining('u/app', T0 + 13_000, T0 + 13_000), 20_000);
});

test('a created but never started container is started, not created again', () => {
  const plan = planPod(pod({}), [c('app', 'created')], probes, new Backoff(), T0);
  assert.deepEqual(plan.start.map((s) => s.existingId), ['app-0']);
});
