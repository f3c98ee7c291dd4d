// Pod status from runtime facts: phases, conditions and container statuses as upstream's
// kubelet reports them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus, SandboxStatus } from '../runtime/index.js';
import { generatePodStatus, type StatusInput } from './generate.js';

const T0 = Date.parse('2026-01-02T03:04:05Z');
const at = (s: number) => new Date(T0 + s * 1000);

function pod(spec: Partial<Pod['spec']> = {}, status: Pod['status'] = {}): Pod {
  return {
    metadata: { name: 'web-0', namespace: 'default', uid: 'u1' },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.9.1' }], ...spec } as Pod['spec'],
    status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-02T03:04:00Z' }], ...status },
  };
}

const sandbox: SandboxStatus = { id: 's1', podUid: 'u1', podName: 'web-0', podNamespace: 'default', attempt: 0, state: 'ready', createdAt: at(0), ips: ['10.244.0.5'] };

function container(name: string, over: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    id: `${name}-id`, sandboxId: 's1', podUid: 'u1', name, attempt: 0, image: 'docker.io/library/nginx:1.9.1',
    imageRef: 'docker.io/library/nginx@sha256:abc', state: 'running', createdAt: at(1), startedAt: at(1), ...over,
  };
}

function input(p: Pod, over: Partial<StatusInput> = {}): StatusInput {
  return {
    pod: p, runtimeType: 'sim', sandbox, containers: [], hostIPs: ['172.18.0.2'],
    probes: { started: () => true, ready: () => true }, waiting: new Map(), terminating: false, now: at(2), ...over,
  };
}

const cond = (s: Pod['status'], type: string) => s?.conditions?.find((c) => c.type === type);

test('accepted, nothing started: Pending, ContainerCreating, hostIP and startTime, no pod IP yet', () => {
  const s = generatePodStatus(input(pod(), { sandbox: undefined }));
  assert.equal(s.phase, 'Pending');
  assert.deepEqual(s.containerStatuses?.[0]?.state, { waiting: { reason: 'ContainerCreating' } });
  assert.equal(s.containerStatuses?.[0]?.image, 'nginx:1.9.1');
  assert.equal(s.containerStatuses?.[0]?.imageID, '');
  assert.equal(s.hostIP, '172.18.0.2');
  assert.deepEqual(s.hostIPs, [{ ip: '172.18.0.2' }]);
  assert.equal(s.podIP, undefined);
  assert.equal(s.startTime, '2026-01-02T03:04:07Z');
  assert.deepEqual(s.conditions?.map((c) => [c.type, c.status]), [
    ['PodReadyToStartContainers', 'False'], ['Initialized', 'True'], ['Ready', 'False'], ['ContainersReady', 'False'], ['PodScheduled', 'True'],
  ]);
  assert.equal(cond(s, 'Ready')?.message, 'containers with unready status: [nginx]');
  assert.equal(cond(s, 'PodScheduled')?.lastTransitionTime, '2026-01-02T03:04:00Z', 'conditions we do not own are kept');
});

test('running: Running, Ready, podIP, container started with its runtime ids', () => {
  const s = generatePodStatus(input(pod(), { containers: [container('nginx')] }));
  assert.equal(s.phase, 'Running');
  assert.equal(s.podIP, '10.244.0.5');
  assert.deepEqual(s.podIPs, [{ ip: '10.244.0.5' }]);
  const cs = s.containerStatuses![0]!;
  assert.equal(cs.containerID, 'sim://nginx-id');
  assert.equal(cs.image, 'docker.io/library/nginx:1.9.1');
  assert.equal(cs.imageID, 'docker.io/library/nginx@sha256:abc');
  assert.deepEqual(cs.state, { running: { startedAt: '2026-01-02T03:04:06Z' } });
  assert.equal(cs.ready, true);
  assert.equal(cs.started, true);
  assert.equal(cs.restartCount, 0);
  for (const t of ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']) assert.equal(cond(s, t)?.status, 'True', t);
});

test('a readiness probe not passed yet keeps the pod NotReady but Running', () => {
  const s = generatePodStatus(input(pod(), { containers: [container('nginx')], probes: { started: () => true, ready: () => false } }));
  assert.equal(s.phase, 'Running');
  assert.equal(s.containerStatuses![0]!.ready, false);
  assert.equal(cond(s, 'ContainersReady')?.reason, 'ContainersNotReady');
});

test('conditions keep their transition time while their status holds', () => {
  const first = generatePodStatus(input(pod(), { containers: [container('nginx')] }));
  const again = generatePodStatus(input(pod({}, first), { containers: [container('nginx')], now: at(60) }));
  assert.equal(cond(again, 'Ready')?.lastTransitionTime, cond(first, 'Ready')?.lastTransitionTime);
});

test('init containers: PodInitializing while they run, Initialized once they completed', () => {
  const spec = { initContainers: [{ name: 'init', image: 'busybox' }] };
  const running = generatePodStatus(input(pod(spec), { containers: [container('init')] }));
  assert.equal(running.phase, 'Pending');
  assert.deepEqual(running.containerStatuses![0]!.state, { waiting: { reason: 'PodInitializing' } });
  assert.equal(cond(running, 'Initialized')?.message, 'containers with incomplete status: [init]');
  const done = container('init', { state: 'exited', exitCode: 0, reason: 'Completed', finishedAt: at(2) });
  const s = generatePodStatus(input(pod(spec), { containers: [done, container('nginx')] }));
  assert.equal(s.phase, 'Running');
  assert.equal(cond(s, 'Initialized')?.status, 'True');
  assert.deepEqual(s.initContainerStatuses![0]!.state?.terminated, {
    exitCode: 0, reason: 'Completed', startedAt: '2026-01-02T03:04:06Z', finishedAt: '2026-01-02T03:04:07Z', containerID: 'sim://init-id',
  });
});

test('restartPolicy Never: exit 0 is Succeeded (PodCompleted), exit 1 is Failed', () => {
  const exited = (code: number) => container('nginx', { state: 'exited', exitCode: code, reason: code ? 'Error' : 'Completed', finishedAt: at(2) });
  const ok = generatePodStatus(input(pod({ restartPolicy: 'Never' }), { containers: [exited(0)] }));
  assert.equal(ok.phase, 'Succeeded');
  assert.equal(cond(ok, 'Ready')?.reason, 'PodCompleted');
  const bad = generatePodStatus(input(pod({ restartPolicy: 'Never' }), { containers: [exited(1)] }));
  assert.equal(bad.phase, 'Failed');
  assert.equal(bad.containerStatuses![0]!.state?.terminated?.reason, 'Error');
  const always = generatePodStatus(input(pod(), { containers: [exited(0)] }));
  assert.equal(always.phase, 'Running', 'Always restarts it');
});

test('crash loop: waiting CrashLoopBackOff with the exit as lastState and the restart count', () => {
  const attempts = [
    container('nginx', { id: 'a0', state: 'exited', exitCode: 1, reason: 'Error', finishedAt: at(1) }),
    container('nginx', { id: 'a1', attempt: 1, state: 'exited', exitCode: 1, reason: 'Error', finishedAt: at(2) }),
  ];
  const waiting = new Map([['nginx', { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=nginx pod=web-0_default(u1)' }]]);
  const s = generatePodStatus(input(pod({ restartPolicy: 'OnFailure' }), { containers: attempts, waiting }));
  const cs = s.containerStatuses![0]!;
  assert.equal(cs.restartCount, 1);
  assert.equal(cs.state?.waiting?.reason, 'CrashLoopBackOff');
  assert.equal(cs.lastState?.terminated?.containerID, 'sim://a1');
  assert.equal(s.phase, 'Running');
});

test('terminating: containers that never ran end ContainerStatusUnknown and the pod Failed', () => {
  const s = generatePodStatus(input(pod(), { sandbox: undefined, terminating: true }));
  assert.equal(s.phase, 'Failed');
  assert.deepEqual(s.containerStatuses![0]!.state, {
    terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' },
  });
  const stopped = container('nginx', { state: 'exited', exitCode: 0, reason: 'Completed', finishedAt: at(2) });
  const graceful = generatePodStatus(input(pod(), { containers: [stopped], sandbox: { ...sandbox, state: 'notready', ips: [] }, terminating: true }));
  assert.equal(graceful.phase, 'Succeeded');
  assert.equal(cond(graceful, 'PodReadyToStartContainers')?.status, 'False');
});

test('a terminal phase is never left', () => {
  const s = generatePodStatus(input(pod({}, { phase: 'Failed' }), { containers: [container('nginx')] }));
  assert.equal(s.phase, 'Failed');
});

test('readiness gates hold Ready back until their condition is True', () => {
  const p = pod({ readinessGates: [{ conditionType: 'example.com/lb' }] });
  const s = generatePodStatus(input(p, { containers: [container('nginx')] }));
  assert.equal(cond(s, 'ContainersReady')?.status, 'True');
  assert.equal(cond(s, 'Ready')?.reason, 'ReadinessGatesNotReady');
  assert.equal(cond(s, 'Ready')?.message, 'corresponding condition of pod readiness gate "example.com/lb" does not exist.');
});

test('host-network pods use the node IPs as pod IPs', () => {
  const s = generatePodStatus(input(pod({ hostNetwork: true }), { containers: [container('nginx')], sandbox: { ...sandbox, ips: [] } }));
  assert.equal(s.podIP, '172.18.0.2');
});
