import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  claimsFor, identityMatches, inOrdinalRange, isMemberOf, newStatefulSetPod, parentAndOrdinal, storageMatches, type SetObject,
} from './identity.js';

const web = (): SetObject => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', uid: 'set-uid' },
  spec: {
    replicas: 3, serviceName: 'nginx', selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { labels: { app: 'nginx', tier: 'web' }, annotations: { a: 'b' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.9.1' }], volumes: [{ name: 'www', emptyDir: {} }, { name: 'conf', emptyDir: {} }] },
    },
    volumeClaimTemplates: [{ metadata: { name: 'www', labels: { app: 'other', size: 'small' } }, spec: { accessModes: ['ReadWriteOnce'] } }],
  },
});

test('ordinals parse like upstream (A3)', () => {
  assert.deepEqual(parentAndOrdinal('web-0'), ['web', 0]);
  assert.deepEqual(parentAndOrdinal('my-web-12'), ['my-web', 12]);
  assert.deepEqual(parentAndOrdinal('web'), ['', -1]);
  assert.deepEqual(parentAndOrdinal('web-x'), ['', -1]);
  assert.deepEqual(parentAndOrdinal('web-2147483648'), ['web', -1], 'past int32 the ordinal does not parse');
  assert.equal(isMemberOf(web(), { metadata: { name: 'web-7' } }), true);
  assert.equal(isMemberOf(web(), { metadata: { name: 'webby-7' } }), false);
});

test('the ordinal range starts at spec.ordinals.start (A2, A5)', () => {
  const set = web();
  set.spec!.ordinals = { start: 5 };
  assert.deepEqual([4, 5, 7, 8].map((o) => inOrdinalRange(set, { metadata: { name: `web-${o}` } })), [false, true, true, false]);
});

test('a new pod carries template metadata, identity labels, hostname, claims and its owner (A6-A11, B5)', () => {
  const pod = newStatefulSetPod(web(), 1, 'web-abc');
  assert.equal(pod.metadata?.name, 'web-1');
  assert.equal(pod.metadata?.namespace, 'default');
  assert.deepEqual(pod.metadata?.labels, {
    app: 'nginx', tier: 'web', 'statefulset.kubernetes.io/pod-name': 'web-1', 'apps.kubernetes.io/pod-index': '1', 'controller-revision-hash': 'web-abc',
  });
  assert.deepEqual(pod.metadata?.annotations, { a: 'b' });
  assert.deepEqual(pod.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(pod.spec?.hostname, 'web-1');
  assert.equal(pod.spec?.subdomain, 'nginx');
  assert.deepEqual(pod.spec?.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } }, { name: 'conf', emptyDir: {} }]);
  assert.ok(identityMatches(web(), pod));
  assert.ok(storageMatches(web(), pod));
});

test('identity is the name, namespace and pod-name label; pod-index is not checked (A12, A13)', () => {
  const pod = newStatefulSetPod(web(), 0, 'r');
  delete pod.metadata!.labels!['apps.kubernetes.io/pod-index'];
  assert.ok(identityMatches(web(), pod));
  delete pod.metadata!.labels!['statefulset.kubernetes.io/pod-name'];
  assert.equal(identityMatches(web(), pod), false);
});

test('claims: name <tpl>-<set>-<n>, template labels overwritten by matchLabels (B1-B4)', () => {
  const [[tpl, claim]] = [...claimsFor(web(), 2)];
  assert.equal(tpl, 'www');
  assert.equal(claim.metadata?.name, 'www-web-2');
  assert.equal(claim.metadata?.namespace, 'default');
  assert.deepEqual(claim.metadata?.labels, { app: 'nginx', size: 'small' });
  assert.deepEqual(claim.spec, { accessModes: ['ReadWriteOnce'] });
  const bare = web();
  delete bare.spec!.volumeClaimTemplates![0].metadata!.labels;
  assert.deepEqual([...claimsFor(bare, 0).values()][0].metadata?.labels, { app: 'nginx' });
});
