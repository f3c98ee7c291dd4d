// The scheduler's pure predicates: tolerations, node selection terms, pod requests, and the
// volume pre-filter messages (k8s-semantics E35).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { podMatchesNode, preferredNodeAffinityScore } from './node-selector.js';
import { podRequests } from './resources.js';
import { effectiveTaints, tolerates, untoleratedTaint } from './taints.js';
import { filterVolumes, preFilterVolumes, type VolumeListers } from './volume-binding.js';

const node = (labels: Record<string, string>, extra: Partial<Node> = {}): Node =>
  ({ metadata: { name: labels['kubernetes.io/hostname'] ?? 'n', labels }, ...extra });

test('tolerations: key, operator, value and effect rules', () => {
  const t = { key: 'dedicated', value: 'db', effect: 'NoSchedule' };
  assert.ok(tolerates({ key: 'dedicated', operator: 'Equal', value: 'db' }, t));
  assert.ok(!tolerates({ key: 'dedicated', operator: 'Equal', value: 'web' }, t));
  assert.ok(tolerates({ key: 'dedicated', operator: 'Exists' }, t));
  assert.ok(tolerates({ operator: 'Exists' }, t), 'empty key with Exists tolerates everything');
  assert.ok(!tolerates({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, t));
  assert.equal(untoleratedTaint([{ key: 'a', effect: 'PreferNoSchedule' }, t], [])?.key, 'dedicated', 'PreferNoSchedule never filters');
});

test('node conditions imply the taints the node lifecycle controller would set', () => {
  const notReady = node({}, { status: { conditions: [{ type: 'Ready', status: 'False' }] } });
  assert.deepEqual(effectiveTaints(notReady), [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
  assert.deepEqual(effectiveTaints(node({})), [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
  const pressured = node({}, { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'DiskPressure', status: 'True' }] } });
  assert.deepEqual(effectiveTaints(pressured), [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }]);
});

test('nodeSelector and required node affinity must both match; preferred terms add weights', () => {
  const n = node({ 'kubernetes.io/hostname': 'a', disk: 'ssd', gen: '5' });
  const pod = (spec: Pod['spec']): Pod => ({ spec: { containers: [], ...spec } as Pod['spec'] });
  assert.ok(podMatchesNode(pod({ containers: [], nodeSelector: { disk: 'ssd' } }), n));
  assert.ok(!podMatchesNode(pod({ containers: [], nodeSelector: { disk: 'hdd' } }), n));
  const required = (op: string, values: string[]) => pod({
    containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gen', operator: op, values }] }] } } },
  });
  assert.ok(podMatchesNode(required('Gt', ['4']), n));
  assert.ok(!podMatchesNode(required('Lt', ['4']), n));
  assert.ok(podMatchesNode(required('NotIn', ['3']), n));
  const byName = pod({ containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }] } } } });
  assert.ok(podMatchesNode(byName, n));
  const preferred = pod({ containers: [], affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
    { weight: 20, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
    { weight: 5, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] } },
  ] } } });
  assert.equal(preferredNodeAffinityScore(preferred, n), 20);
});

test('pod requests: containers summed, init steps maxed, sidecars added, overhead on top', () => {
  const p: Pod = { spec: {
    containers: [{ name: 'a', resources: { requests: { cpu: '500m', memory: '1Gi' } } }, { name: 'b', resources: { requests: { cpu: '250m' } } }],
    initContainers: [{ name: 'side', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } }, { name: 'big', resources: { requests: { cpu: '2' } } }],
    overhead: { cpu: '10m' },
  } };
  const r = podRequests(p);
  assert.equal(r.milliCPU, 2110, 'init step 2 cpu + sidecar 100m beats 850m, + 10m overhead');
  assert.equal(r.memory, 1024 ** 3);
  const empty = podRequests({ spec: { containers: [{ name: 'x' }] } }, true);
  assert.deepEqual([empty.milliCPU, empty.memory], [100, 200 * 1024 * 1024], 'non-zero defaults for scoring');
});

function listers(objs: { claims?: PersistentVolumeClaim[]; pvs?: PersistentVolume[]; classes?: StorageClass[] }): VolumeListers {
  return {
    claim: (ns, name) => objs.claims?.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name),
    volume: (name) => objs.pvs?.find((v) => v.metadata?.name === name),
    volumes: () => objs.pvs ?? [],
    storageClass: (name) => objs.classes?.find((c) => c.metadata?.name === name),
  };
}

const wffc: StorageClass = { metadata: { name: 'local' }, provisioner: 'berth.dev/local-path', volumeBindingMode: 'WaitForFirstConsumer' };
const immediate: StorageClass = { metadata: { name: 'fast' }, provisioner: 'x.io/fast', volumeBindingMode: 'Immediate' };
const claim = (name: string, over: Partial<PersistentVolumeClaim> = {}): PersistentVolumeClaim => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...over.metadata },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local', ...over.spec },
  status: { phase: 'Pending', ...over.status },
});
const podWith = (...claims: string[]): Pod => ({
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [], volumes: claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })) },
});

test('volume pre-filter messages (E35)', () => {
  const l = listers({
    claims: [
      claim('lost', { spec: { volumeName: 'pv-gone' }, status: { phase: 'Lost' } }),
      claim('going', { metadata: { name: 'going', namespace: 'default', deletionTimestamp: '2026-01-01T00:00:00Z' } }),
      claim('now', { spec: { storageClassName: 'fast' } }),
    ],
    classes: [wffc, immediate],
  });
  assert.deepEqual(preFilterVolumes(podWith('missing'), l), { error: 'persistentvolumeclaim "missing" not found' });
  assert.deepEqual(preFilterVolumes(podWith('lost'), l), { error: 'persistentvolumeclaim "lost" bound to non-existent persistentvolume "pv-gone"' });
  assert.deepEqual(preFilterVolumes(podWith('going'), l), { error: 'persistentvolumeclaim "going" is being deleted' });
  assert.deepEqual(preFilterVolumes(podWith('now'), l), { error: 'pod has unbound immediate PersistentVolumeClaims' });
});

test('volume filter: bound PV node affinity, selected-node pinning, static match before provisioning', () => {
  const pvFor = (name: string, host: string, over: Partial<PersistentVolume> = {}): PersistentVolume => ({
    metadata: { name }, status: { phase: 'Available' },
    spec: {
      capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'local',
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] }] } },
      ...over.spec,
    },
  });
  const a = node({ 'kubernetes.io/hostname': 'a' }), b = node({ 'kubernetes.io/hostname': 'b' });
  const bound = claim('data', { metadata: { name: 'data', namespace: 'default', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { volumeName: 'pv-a' } });
  const l = listers({ claims: [bound], pvs: [pvFor('pv-a', 'a')], classes: [wffc] });
  const claims = preFilterVolumes(podWith('data'), l);
  assert.ok(!('error' in claims));
  assert.ok('plan' in filterVolumes(claims, a, l));
  assert.deepEqual(filterVolumes(claims, b, l), { reasons: ['node(s) had volume node affinity conflict'] });

  const pinned = claim('pinned', { metadata: { name: 'pinned', namespace: 'default', annotations: { 'volume.kubernetes.io/selected-node': 'b' } } });
  const l2 = listers({ claims: [pinned], classes: [wffc] });
  const c2 = preFilterVolumes(podWith('pinned'), l2);
  assert.ok(!('error' in c2));
  assert.deepEqual(filterVolumes(c2, a, l2), { reasons: ["node(s) didn't find available persistent volumes to bind"] });
  assert.deepEqual(filterVolumes(c2, b, l2), { plan: { staticBindings: [], provision: [pinned] } });

  const fresh = claim('fresh');
  const l3 = listers({ claims: [fresh], pvs: [pvFor('pv-b', 'b')], classes: [{ ...wffc, provisioner: 'kubernetes.io/no-provisioner' }] });
  const c3 = preFilterVolumes(podWith('fresh'), l3);
  assert.ok(!('error' in c3));
  assert.deepEqual(filterVolumes(c3, a, l3), { reasons: ["node(s) didn't find available persistent volumes to bind"] });
  const onB = filterVolumes(c3, b, l3);
  assert.ok('plan' in onB && onB.plan.staticBindings[0]?.pv.metadata?.name === 'pv-b');
});
