// Local storage eviction decisions: pod specs and usage figures in, upstream's messages out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container, Pod, Volume } from 'kubernetes-types/core/v1.js';
import type { ContainerDiskUsage } from '../runtime/index.js';
import { isCriticalPod, localStorageEviction, podEphemeralStorageLimit, podStorageUsage, hasLocalStorageLimits, type PodStorageUsage } from './limits.js';

const Mi = 1024 * 1024;

function pod(spec: Partial<Pod['spec']>, annotations?: Record<string, string>): Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'u', ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec } as Pod['spec'],
  };
}
const limited = (name: string, limit?: string, extra: Partial<Container> = {}): Container => ({
  name, image: 'busybox', ...(limit ? { resources: { limits: { 'ephemeral-storage': limit } } } : {}), ...extra,
});
const emptyDir = (name: string, sizeLimit?: string, medium?: string): Volume => ({
  name, emptyDir: { ...(sizeLimit ? { sizeLimit } : {}), ...(medium ? { medium } : {}) },
});
function usage(volumes: Record<string, number>, containers: Record<string, [number, number]> = {}, totalBytes?: number): PodStorageUsage {
  const c = new Map(Object.entries(containers).map(([n, [rootfsBytes, logsBytes]]) => [n, { rootfsBytes, logsBytes }]));
  const total = totalBytes ?? Object.values(volumes).reduce((a, b) => a + b, 0) + [...c.values()].reduce((a, x) => a + x.rootfsBytes + x.logsBytes, 0);
  return { volumes: new Map(Object.entries(volumes)), containers: c, totalBytes: total };
}

test('an emptyDir over its sizeLimit evicts with upstream\'s message (trailing space included)', () => {
  const p = pod({ volumes: [emptyDir('cache', '10Mi')] });
  assert.deepEqual(localStorageEviction(p, usage({ cache: 10 * Mi + 4096 })), {
    signal: 'emptydirfs.limit', message: 'Usage of EmptyDir volume "cache" exceeds the limit "10Mi". ',
  });
  assert.equal(localStorageEviction(p, usage({ cache: 10 * Mi })), undefined, 'at the limit is within it');
  assert.equal(localStorageEviction(p, usage({})), undefined, 'a volume not measured yet evicts nothing');
  assert.equal(localStorageEviction(pod({ volumes: [emptyDir('cache')] }), usage({ cache: 100 * Mi })), undefined, 'no sizeLimit, no limit');
  assert.equal(localStorageEviction(pod({ volumes: [emptyDir('cache', '0')] }), usage({ cache: 100 * Mi })), undefined, 'a zero sizeLimit is none');
});

test('the limit is printed as the canonical quantity', () => {
  const p = pod({ volumes: [emptyDir('a', '1024Ki'), emptyDir('b', '2000k'), emptyDir('c', '1048576')] });
  assert.equal(localStorageEviction(p, usage({ a: 2 * Mi }))?.message, 'Usage of EmptyDir volume "a" exceeds the limit "1Mi". ');
  assert.equal(localStorageEviction(p, usage({ c: 2 * Mi }))?.message, 'Usage of EmptyDir volume "c" exceeds the limit "1048576". ', 'plain bytes stay decimal');
  assert.equal(localStorageEviction(p, usage({ b: 3 * Mi }))?.message, 'Usage of EmptyDir volume "b" exceeds the limit "2M". ');
});

test('a container over its ephemeral-storage limit: writable layer plus logs', () => {
  const p = pod({ containers: [limited('app', '10Mi'), limited('side', '1Gi')] });
  assert.deepEqual(localStorageEviction(p, usage({}, { app: [8 * Mi, 3 * Mi], side: [0, 0] }, 0)), {
    signal: 'ephemeralcontainerfs.limit', message: 'Container app exceeded its local ephemeral storage limit "10Mi". ',
  });
  assert.equal(localStorageEviction(p, usage({}, { app: [8 * Mi, 2 * Mi] }, 0)), undefined, 'exactly at the limit');
  assert.equal(localStorageEviction(p, usage({}, {}, 0)), undefined, 'a container that does not run has no usage');
  const zero = pod({ containers: [limited('app', '0')] });
  assert.equal(localStorageEviction(zero, usage({}, { app: [8 * Mi, 0] }, 0)), undefined, 'a zero limit is none');
});

test('the pod over the sum of its containers\' limits, though no container is over its own', () => {
  const p = pod({ containers: [limited('a', '5Mi'), limited('b', '5Mi')], volumes: [emptyDir('scratch')] });
  const u = usage({ scratch: 9 * Mi }, { a: [Mi, 0], b: [Mi, 0] });
  assert.deepEqual(localStorageEviction(p, u), {
    signal: 'ephemeralpodfs.limit', message: 'Pod ephemeral local storage usage exceeds the total limit of containers 10Mi. ',
  });
  assert.equal(localStorageEviction(p, usage({ scratch: 7 * Mi }, { a: [Mi, 0], b: [Mi, 0] })), undefined);
});

test('checks run in upstream\'s order: emptyDir, then pod, then container', () => {
  const p = pod({ containers: [limited('app', '1Mi')], volumes: [emptyDir('cache', '1Mi')] });
  assert.equal(localStorageEviction(p, usage({ cache: 2 * Mi }, { app: [2 * Mi, 0] }))?.signal, 'emptydirfs.limit');
  assert.equal(localStorageEviction(p, usage({ cache: 0 }, { app: [2 * Mi, 0] }))?.signal, 'ephemeralpodfs.limit');
  assert.equal(localStorageEviction(p, usage({ cache: 0 }, { app: [2 * Mi, 0] }, 0))?.signal, 'ephemeralcontainerfs.limit');
});

test('pod limit as PodLimits sums it: containers, sidecars, the largest init container, overhead', () => {
  assert.equal(podEphemeralStorageLimit(pod({})), undefined);
  assert.equal(podEphemeralStorageLimit(pod({ containers: [limited('a', '1Gi'), limited('b')] }))?.toString(), '1Gi', 'containers without a limit add nothing');
  assert.equal(podEphemeralStorageLimit(pod({ containers: [limited('a', '1Gi')], initContainers: [limited('i', '2Gi')] }))?.toString(), '2Gi');
  assert.equal(podEphemeralStorageLimit(pod({ containers: [limited('a')], initContainers: [limited('i', '2Gi')] }))?.toString(), '2Gi');
  const sidecar = limited('s', '500Mi', { restartPolicy: 'Always' });
  assert.equal(podEphemeralStorageLimit(pod({ containers: [limited('a', '1Gi')], initContainers: [sidecar] }))?.toString(), '1524Mi');
  // An init container after a sidecar runs beside it: 500Mi + 1600Mi beats 1Gi + 500Mi.
  assert.equal(podEphemeralStorageLimit(pod({ containers: [limited('a', '1Gi')], initContainers: [sidecar, limited('i', '1600Mi')] }))?.toString(), '2100Mi');
  assert.equal(podEphemeralStorageLimit(pod({ containers: [limited('a', '1Gi')], overhead: { 'ephemeral-storage': '1Mi' } }))?.toString(), '1025Mi');
  assert.equal(podEphemeralStorageLimit(pod({ overhead: { 'ephemeral-storage': '1Mi' } })), undefined, 'overhead alone is no limit');
});

test('only pods with a limit are worth measuring', () => {
  assert.equal(hasLocalStorageLimits(pod({ volumes: [emptyDir('a')] })), false);
  assert.equal(hasLocalStorageLimits(pod({ volumes: [emptyDir('a', '1Mi', 'Memory')] })), false, 'tmpfs is sized already');
  assert.equal(hasLocalStorageLimits(pod({ volumes: [emptyDir('a', '1Mi')] })), true);
  assert.equal(hasLocalStorageLimits(pod({ containers: [limited('a', '1Mi')] })), true);
});

test('usage: running containers only, logs of every attempt, local ephemeral volumes and /etc/hosts in the total', () => {
  const c = (name: string, attempt: number, state: ContainerDiskUsage['state'], writableLayerBytes: number, logBytes: number): ContainerDiskUsage =>
    ({ id: `${name}${attempt}`, name, attempt, state, writableLayerBytes, logBytes });
  const p = pod({
    volumes: [emptyDir('disk'), emptyDir('mem', undefined, 'Memory'), { name: 'cm', configMap: { name: 'x' } }, { name: 'host', hostPath: { path: '/x' } }],
  });
  const u = podStorageUsage(p, new Map([['disk', 1000], ['mem', 20000], ['cm', 100], ['host', 30000]]), {
    etcHostsBytes: 4096,
    containers: [c('app', 0, 'exited', 7000, 300), c('app', 1, 'running', 500, 200), c('init', 0, 'exited', 9000, 50)],
  });
  assert.deepEqual([...u.containers], [['app', { rootfsBytes: 500, logsBytes: 500 }]]);
  assert.equal(u.totalBytes, 4096 + 500 + 500 + 1000 + 100);
});

test('critical pods are never evicted: static, mirror, system-critical priority', () => {
  assert.equal(isCriticalPod(pod({})), false);
  assert.equal(isCriticalPod(pod({}, { 'kubernetes.io/config.source': 'api' })), false);
  assert.equal(isCriticalPod(pod({}, { 'kubernetes.io/config.source': 'file' })), true);
  assert.equal(isCriticalPod(pod({}, { 'kubernetes.io/config.mirror': 'abc' })), true);
  assert.equal(isCriticalPod(pod({ priority: 2_000_000_000 })), true);
  assert.equal(isCriticalPod(pod({ priority: 1_000_000_000 })), false);
});
