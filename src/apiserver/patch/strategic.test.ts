// Strategic merge patch on the kinds' real schemas: merge keys, directives and their errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, Pods, StatefulSets } from '../../core/index.js';
import { kindNode } from './schema-model.js';
import { applyStrategicMergePatch } from './strategic.js';

const pod = kindNode(Pods);
const sts = kindNode(StatefulSets);

const livePod = () => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'a', tier: 'web' }, finalizers: ['a/x', 'b/y'] },
  spec: {
    containers: [
      { name: 'nginx', image: 'nginx:1', ports: [{ containerPort: 80, protocol: 'TCP' }],
        env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
        volumeMounts: [{ name: 'www', mountPath: '/www' }] },
      { name: 'side', image: 'busybox' },
    ],
    volumes: [{ name: 'www', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c' } }],
  },
  status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'Initialized', status: 'True' }] },
});

const smp = (live: unknown, patch: unknown, root = pod) => applyStrategicMergePatch(live, patch, root) as any;

function rejects(fn: () => unknown, code: number, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ApiError && e.code === code && message.test(e.message));
}

describe('strategic merge patch', () => {
  it('merges containers by name, ports by containerPort, env by name, volumeMounts by mountPath', () => {
    const out = smp(livePod(), { spec: { containers: [{ name: 'nginx', image: 'nginx:2',
      ports: [{ containerPort: 443 }], env: [{ name: 'B', value: 'two' }], volumeMounts: [{ mountPath: '/www', readOnly: true }] }] } });
    const nginx = out.spec.containers.find((c: any) => c.name === 'nginx');
    assert.equal(nginx.image, 'nginx:2');
    assert.deepEqual(nginx.ports.map((p: any) => p.containerPort), [443, 80], 'new items come first, as upstream');
    assert.deepEqual(nginx.env, [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }], 'live items keep their order');
    assert.deepEqual(nginx.volumeMounts, [{ name: 'www', mountPath: '/www', readOnly: true }]);
    assert.equal(out.spec.containers.length, 2, 'the other container is kept');
  });

  it('merges status conditions by type and keeps the patched order', () => {
    const out = smp(livePod(), { status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    assert.deepEqual(out.status.conditions, [{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }]);
  });

  it('deletes with null, replaces atomic lists, merges primitive sets', () => {
    const out = smp(livePod(), { metadata: { labels: { tier: null, new: 'x' }, finalizers: ['c/z', 'a/x'] }, spec: { volumes: null } });
    assert.deepEqual(out.metadata.labels, { app: 'a', new: 'x' });
    assert.deepEqual(out.metadata.finalizers, ['c/z', 'a/x', 'b/y']);
    assert.equal(out.spec.volumes, undefined);
    const sts1 = smp({ spec: { volumeClaimTemplates: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] } },
      { spec: { volumeClaimTemplates: [{ metadata: { name: 'c' } }] } }, sts);
    assert.deepEqual(sts1.spec.volumeClaimTemplates, [{ metadata: { name: 'c' } }], 'an atomic list is replaced');
  });

  it('honours $patch: delete and replace on list items and maps', () => {
    const del = smp(livePod(), { spec: { containers: [{ name: 'side', $patch: 'delete' }] } });
    assert.deepEqual(del.spec.containers.map((c: any) => c.name), ['nginx']);
    const rep = smp(livePod(), { spec: { volumes: [{ name: 'only', emptyDir: {} }, { $patch: 'replace' }] } });
    assert.deepEqual(rep.spec.volumes, [{ name: 'only', emptyDir: {} }]);
    const map = smp(livePod(), { metadata: { labels: { $patch: 'replace', only: 'me' } } });
    assert.deepEqual(map.metadata.labels, { only: 'me' });
    const gone = smp(livePod(), { metadata: { labels: { $patch: 'delete' } } });
    assert.deepEqual(gone.metadata.labels, {});
  });

  it('orders by $setElementOrder, as kubectl apply sends it', () => {
    const out = smp(livePod(), { spec: {
      '$setElementOrder/containers': [{ name: 'side' }, { name: 'nginx' }],
      containers: [{ name: 'nginx', image: 'nginx:3' }],
    } });
    assert.deepEqual(out.spec.containers.map((c: any) => [c.name, c.image]), [['side', 'busybox'], ['nginx', 'nginx:3']]);
    assert.ok(!('$setElementOrder/containers' in out.spec));
  });

  it('deletes from primitive lists with $deleteFromPrimitiveList', () => {
    const out = smp(livePod(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a/x'] } });
    assert.deepEqual(out.metadata.finalizers, ['b/y']);
    const absent = smp({ metadata: {} }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a/x'] } });
    assert.equal(absent.metadata.finalizers, undefined, 'nothing to delete from is not an addition');
  });

  it('clears keys not retained by $retainKeys', () => {
    const out = smp(livePod(), { spec: { volumes: [{ name: 'cfg', $retainKeys: ['name', 'secret'], secret: { secretName: 's' } }] } });
    assert.deepEqual(out.spec.volumes.find((v: any) => v.name === 'cfg'), { name: 'cfg', secret: { secretName: 's' } });
  });

  it('leaves its inputs alone', () => {
    const live = livePod();
    const patch = { spec: { containers: [{ name: 'side', $patch: 'delete' }] } };
    smp(live, patch);
    assert.deepEqual(live, livePod());
    assert.deepEqual(patch, { spec: { containers: [{ name: 'side', $patch: 'delete' }] } });
  });

  it('rejects bad directives and malformed patches as upstream words them', () => {
    rejects(() => smp(livePod(), { spec: { containers: [{ name: 'nginx', $patch: 'bogus' }] } }), 400,
      /^unknown patch type: bogus in map: map\[\$patch:bogus name:nginx\]$/);
    rejects(() => smp(livePod(), { metadata: { labels: { $patch: 'nope' } } }), 400, /^unknown patch type: nope in map:/);
    rejects(() => smp(livePod(), { spec: { containers: [{ $patch: 'merge', name: 'x' }] } }), 400, /merging lists cannot yet be specified/);
    rejects(() => smp(livePod(), { spec: { containers: [{ image: 'x' }] } }), 400,
      /^map: map\[image:x\] does not contain declared merge key: name$/);
    rejects(() => smp(livePod(), { spec: { volumes: [{ name: 'cfg', $retainKeys: ['name'], secret: {} }] } }), 400,
      /^invalid patch format of retainKeys$/);
    rejects(() => smp(livePod(), { spec: { volumes: [{ name: 'cfg', $retainKeys: 'name' }] } }), 400, /^invalid patch format of retainKeys$/);
    rejects(() => smp(livePod(), { metadata: { $deleteFromPrimitiveList: ['a'] } }), 400, /^invalid patch format of primitive list$/);
    rejects(() => smp(livePod(), { spec: { '$setElementOrder/containers': [{ name: 'nginx' }],
      containers: [{ name: 'side', image: 'a' }] } }), 400, /doesn't match \$setElementOrder list/);
    rejects(() => smp(livePod(), { spec: { containers: [['x']] } }), 422, /^lists of lists are not supported$/);
    rejects(() => smp({ spec: { nope: { a: 1 } } }, { spec: { nope: { b: 2 } } }), 400,
      /^unable to find api field in struct PodSpec for the json field "nope"$/);
    rejects(() => smp(livePod(), [1, 2]), 400, /cannot unmarshal array into Go value of type map\[string\]interface \{\}/);
  });
});
