import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { convertFieldSelector, parseFieldSelector } from '../../../core/index.js';
import { podFieldLabels, podFields } from './fields.js';
import { podTable } from './table.js';
import type { Obj } from '../printing.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const ago = (sec: number): string => new Date(NOW.getTime() - sec * 1000).toISOString();

function pod(over: { spec?: Partial<NonNullable<Pod['spec']>>; status?: NonNullable<Pod['status']>; meta?: object } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', creationTimestamp: ago(300), ...over.meta },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }], nodeName: 'node-1', ...over.spec },
    status: over.status ?? {},
  };
}
const row = (p: Pod): readonly unknown[] => podTable.row(p as Obj<Pod>, NOW);
const summary = (p: Pod): unknown[] => row(p).slice(1, 4);

test('columns match upstream, wide ones at priority 1', () => {
  assert.deepEqual(podTable.columns.map((c) => `${c.name}:${c.type}:${c.priority ?? 0}`), [
    'Name:string:0', 'Ready:string:0', 'Status:string:0', 'Restarts:string:0', 'Age:string:0',
    'IP:string:1', 'Node:string:1', 'Nominated Node:string:1', 'Readiness Gates:string:1']);
  assert.equal(podTable.columns[0]!.format, 'name');
});

test('a running pod', () => {
  const p = pod({ status: {
    phase: 'Running', podIP: '10.0.0.10', podIPs: [{ ip: '10.0.0.10' }],
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'nginx', image: 'nginx', imageID: '', ready: true, restartCount: 0, state: { running: {} } }],
  } });
  assert.deepEqual(row(p), ['web-0', '1/1', 'Running', '0', '5m', '10.0.0.10', 'node-1', '<none>', '<none>']);
});

test('CrashLoopBackOff shows the waiting reason and `n (age ago)` restarts', () => {
  const p = pod({ status: { phase: 'Running', containerStatuses: [{
    name: 'nginx', image: 'nginx', imageID: '', ready: false, restartCount: 5,
    state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s' } },
    lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(90) } },
  }] } });
  assert.deepEqual(summary(p), ['0/1', 'CrashLoopBackOff', '5 (90s ago)']);
});

test('terminated containers without a reason print ExitCode / Signal', () => {
  const term = (t: { exitCode: number; signal?: number }): Pod => pod({ status: { phase: 'Running', containerStatuses: [
    { name: 'nginx', image: 'nginx', imageID: '', ready: false, restartCount: 0, state: { terminated: t } }] } });
  assert.deepEqual(summary(term({ exitCode: 137 })), ['0/1', 'ExitCode:137', '0']);
  assert.deepEqual(summary(term({ exitCode: 137, signal: 9 })), ['0/1', 'Signal:9', '0']);
});

test('a terminating pod, and a pod on a lost node', () => {
  const running = { phase: 'Running', containerStatuses: [
    { name: 'nginx', image: 'nginx', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] };
  assert.deepEqual(summary(pod({ meta: { deletionTimestamp: ago(1) }, status: running })), ['1/1', 'Terminating', '0']);
  assert.deepEqual(summary(pod({ meta: { deletionTimestamp: ago(1) }, status: { ...running, reason: 'NodeLost' } })),
    ['1/1', 'Unknown', '0']);
  // Terminal pods keep their phase while being deleted.
  assert.deepEqual(summary(pod({ meta: { deletionTimestamp: ago(1) }, status: { phase: 'Succeeded' } })), ['0/1', 'Succeeded', '0']);
});

test('init containers: Init:n/m, Init:<reason>, Init:ExitCode', () => {
  const spec = { initContainers: [{ name: 'copy', image: 'busybox' }, { name: 'migrate', image: 'busybox' }] };
  const done = { name: 'copy', image: 'busybox', imageID: '', ready: false, restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed' } } };
  const second = (state: object, restartCount = 0) => pod({ spec, status: { phase: 'Pending',
    conditions: [{ type: 'Initialized', status: 'False' }],
    initContainerStatuses: [done, { name: 'migrate', image: 'busybox', imageID: '', ready: false, restartCount, state }],
    containerStatuses: [{ name: 'nginx', image: 'nginx', imageID: '', ready: false, restartCount: 0,
      state: { waiting: { reason: 'PodInitializing' } } }] } });
  assert.deepEqual(summary(second({ running: {} })), ['0/1', 'Init:1/2', '0']);
  assert.deepEqual(summary(second({ waiting: { reason: 'PodInitializing' } })), ['0/1', 'Init:1/2', '0']);
  assert.deepEqual(summary(second({ waiting: { reason: 'ImagePullBackOff' } })), ['0/1', 'Init:ImagePullBackOff', '0']);
  assert.deepEqual(summary(second({ terminated: { exitCode: 1 } }, 3)), ['0/1', 'Init:ExitCode:1', '3']);
  assert.deepEqual(summary(second({ terminated: { exitCode: 2, reason: 'Error' } })), ['0/1', 'Init:Error', '0']);
  assert.deepEqual(summary(second({ terminated: { exitCode: 1, signal: 15 } })), ['0/1', 'Init:Signal:15', '0']);
});

test('completed pods, and Completed containers next to running ones', () => {
  const completed = { name: 'job', image: 'busybox', imageID: '', ready: false, restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed' } } };
  const running = { name: 'nginx', image: 'nginx', imageID: '', ready: true, restartCount: 0, state: { running: {} } };
  assert.deepEqual(summary(pod({ status: { phase: 'Succeeded', containerStatuses: [completed] } })), ['0/1', 'Completed', '0']);
  const spec = { containers: [{ name: 'job' }, { name: 'nginx' }] };
  assert.deepEqual(summary(pod({ spec, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [completed, running] } })), ['1/2', 'Running', '0']);
  assert.deepEqual(summary(pod({ spec, status: { phase: 'Running', containerStatuses: [completed, running] } })),
    ['1/2', 'NotReady', '0']);
});

test('pending, gated and sidecar pods', () => {
  assert.deepEqual(row(pod({ spec: { nodeName: undefined }, status: { phase: 'Pending' } })),
    ['web-0', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
  assert.deepEqual(summary(pod({ status: { phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } })), ['0/1', 'SchedulingGated', '0']);
  const sidecarPod = pod({
    spec: { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] },
    status: { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', image: 'envoy', imageID: '', ready: true, started: true, restartCount: 2,
        state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(3 * 3600) } } }],
      containerStatuses: [{ name: 'nginx', image: 'nginx', imageID: '', ready: true, restartCount: 1, state: { running: {} },
        lastState: { terminated: { exitCode: 1, finishedAt: ago(600) } } }] },
  });
  assert.deepEqual(summary(sidecarPod), ['2/2', 'Running', '3 (10m ago)']);
});

test('wide cells: IP from podIP, nominated node, readiness gates, unknown age', () => {
  const p = pod({
    meta: { creationTimestamp: undefined },
    spec: { readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
    status: { phase: 'Pending', podIPs: [{ ip: 'fd00::5' }], nominatedNodeName: 'node-2',
      conditions: [{ type: 'example.com/lb', status: 'True' }, { type: 'example.com/dns', status: 'False' }] },
  });
  assert.deepEqual(row(p).slice(4), ['<unknown>', 'fd00::5', 'node-1', 'node-2', '1/2']);
});

test('pod field selector attributes', () => {
  const p = pod({ spec: { restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
    status: { phase: 'Running', podIP: '10.0.0.10' } });
  assert.deepEqual(podFields(p), {
    'spec.nodeName': 'node-1', 'spec.restartPolicy': 'Always', 'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'default', 'spec.hostNetwork': 'false', 'status.phase': 'Running',
    'status.podIP': '10.0.0.10', 'status.nominatedNodeName': '',
  });
  const sel = convertFieldSelector(parseFieldSelector('spec.host=node-1,status.phase!=Failed'), podFieldLabels);
  assert.equal(sel.toString(), 'spec.nodeName=node-1,status.phase!=Failed');
  assert.equal(sel.matches(podFields(p)), true);
  assert.throws(() => convertFieldSelector(parseFieldSelector('status.hostIP=1.2.3.4'), podFieldLabels),
    /^ApiError: field label not supported: status.hostIP$/);
});
