import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SetObject } from './identity.js';
import {
  applyRevision, canonicalJson, fnv1_32, HASH_LABEL, newRevision, revisionName, safeEncode, sortRevisions, withCollisionCount, type RevisionObject,
} from './revision.js';

const set = (image: string): SetObject => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'u', annotations: { 'kubernetes.io/change-cause': 'because' } },
  spec: { selector: {}, serviceName: 'nginx', replicas: 9, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'c', image }] } } },
});

test('FNV-1 32 and the safe alphabet behave like Go hash/fnv and SafeEncodeString', () => {
  assert.equal(fnv1_32(''), 0x811c9dc5);
  assert.equal(fnv1_32('a'), 0x050c5d7e);
  assert.equal(safeEncode('0123456789'), '456789bcdf');
});

test('canonical JSON sorts keys at every level and keeps arrays in order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
});

test('a revision stores only the template as a replace patch, named and labelled by its hash (D3, D4)', () => {
  const { rev, json } = newRevision(set('nginx:1'), 3, 0);
  assert.equal(json, '{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"image":"nginx:1","name":"c"}]}}}}');
  const hash = rev.metadata!.labels![HASH_LABEL];
  assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(rev.metadata!.name, `web-${hash}`);
  assert.deepEqual(rev.metadata!.labels, { app: 'nginx', [HASH_LABEL]: hash });
  assert.deepEqual(rev.metadata!.annotations, { 'kubernetes.io/change-cause': 'because' });
  assert.equal(rev.revision, 3);
  assert.equal(rev.metadata!.ownerReferences![0].uid, 'u');
  // Stable: replicas and other spec fields do not matter; the template does; so does the collision count.
  const other = set('nginx:1');
  other.spec!.replicas = 1;
  assert.equal(newRevision(other, 3, 0).rev.metadata!.name, rev.metadata!.name);
  assert.notEqual(newRevision(set('nginx:2'), 3, 0).rev.metadata!.name, rev.metadata!.name);
  assert.notEqual(withCollisionCount(rev, json, 'web', 1).metadata!.name, rev.metadata!.name);
  assert.equal(revisionName('x'.repeat(300), 'h').length, 225);
});

test('applying a revision restores its template and nothing else', () => {
  const { rev } = newRevision(set('nginx:1'), 1, 0);
  const now = set('nginx:2');
  const restored = applyRevision(now, rev);
  assert.deepEqual(restored.spec!.template, set('nginx:1').spec!.template);
  assert.equal(restored.spec!.replicas, 9);
  assert.equal(now.spec!.template.spec!.containers[0].image, 'nginx:2', 'the input is not modified');
});

test('revisions sort by number, then creation time, then name', () => {
  const r = (name: string, revision: number, t: string): RevisionObject => ({ metadata: { name, creationTimestamp: t }, revision });
  const sorted = sortRevisions([r('c', 2, '2020-01-01T00:00:00Z'), r('b', 1, '2020-01-02T00:00:00Z'), r('a', 1, '2020-01-02T00:00:00Z'), r('d', 1, '2020-01-01T00:00:00Z')]);
  assert.deepEqual(sorted.map((x) => x.metadata!.name), ['d', 'a', 'b', 'c']);
});
