import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OwnerReference } from '../../core/index.js';
import type { ClaimObject, PodObject, SetObject } from './identity.js';
import { claimIsStale, claimOwnerRefs, isClaimOwnerUpToDate } from './retention.js';

const set = (whenScaled: string, whenDeleted: string, replicas = 2): SetObject => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'set' },
  spec: { replicas, selector: {}, serviceName: '', template: {}, persistentVolumeClaimRetentionPolicy: { whenScaled, whenDeleted } },
});
const pod = (ordinal: number, uid = `pod${ordinal}`): PodObject => ({ metadata: { name: `web-${ordinal}`, namespace: 'ns', uid } });
const claim = (refs?: OwnerReference[]): ClaimObject => ({ metadata: { name: 'www-web-0', namespace: 'ns', uid: 'c', ownerReferences: refs } });
const setRef: OwnerReference = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set', controller: true, blockOwnerDeletion: true };
const podRef = (ordinal: number, uid = `pod${ordinal}`): OwnerReference =>
  ({ apiVersion: 'v1', kind: 'Pod', name: `web-${ordinal}`, uid, controller: true, blockOwnerDeletion: true });

test('the refs each policy wants, for in-range and condemned pods (B12, B13)', () => {
  const cases: Array<[string, string, number, OwnerReference[]]> = [
    ['Retain', 'Retain', 0, []], ['Retain', 'Retain', 5, []],
    ['Retain', 'Delete', 0, [setRef]], ['Retain', 'Delete', 5, [setRef]],
    ['Delete', 'Retain', 0, []], ['Delete', 'Retain', 5, [podRef(5)]],
    ['Delete', 'Delete', 0, [setRef]], ['Delete', 'Delete', 5, [podRef(5)]],
  ];
  for (const [scaled, deleted, ordinal, want] of cases) {
    const s = set(scaled, deleted);
    const p = pod(ordinal);
    assert.deepEqual(claimOwnerRefs(claim(), s, p), want, `${scaled}/${deleted} ordinal ${ordinal}`);
    assert.equal(isClaimOwnerUpToDate(claim(), s, p), want.length === 0);
    assert.equal(isClaimOwnerUpToDate(claim(want), s, p), true);
  }
  // Delete/Delete: a scaled-down pod's claim loses the set ref.
  assert.deepEqual(claimOwnerRefs(claim([setRef]), set('Delete', 'Delete'), pod(5)), [podRef(5)]);
});

test('stale refs leave the claim alone (B15) and block a new pod with whenScaled=Delete (B20)', () => {
  const stale = claim([podRef(0, 'old-uid')]);
  assert.equal(isClaimOwnerUpToDate(stale, set('Delete', 'Delete'), pod(0)), true);
  assert.equal(claimIsStale(stale, set('Delete', 'Retain'), pod(0, '')), true);
  assert.equal(claimIsStale(stale, set('Retain', 'Delete'), pod(0, '')), false);
  assert.equal(claimIsStale(claim([podRef(0)]), set('Delete', 'Retain'), pod(0)), false);
});

test('a foreign controller voids the policy: our refs go, none are added (B16)', () => {
  const foreign: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'x', controller: true };
  assert.equal(isClaimOwnerUpToDate(claim([foreign]), set('Retain', 'Delete'), pod(0)), true);
  assert.equal(isClaimOwnerUpToDate(claim([foreign, { ...setRef, controller: false }]), set('Retain', 'Delete'), pod(0)), false);
  assert.deepEqual(claimOwnerRefs(claim([foreign, { ...setRef, controller: false }]), set('Retain', 'Delete'), pod(0)), [foreign]);
  // With Retain/Retain a foreign controller is no concern.
  assert.equal(isClaimOwnerUpToDate(claim([foreign]), set('Retain', 'Retain'), pod(0)), true);
});

test('non-controller refs from us are rewritten, other refs are kept (B17, B18)', () => {
  const other: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'y', uid: 'y' };
  const c = claim([other, { ...setRef, controller: false }]);
  assert.equal(isClaimOwnerUpToDate(c, set('Retain', 'Delete'), pod(0)), false);
  assert.deepEqual(claimOwnerRefs(c, set('Retain', 'Delete'), pod(0)), [other, setRef]);
  // Retain/Retain removes our refs (B19: a policy change is reconciled).
  assert.deepEqual(claimOwnerRefs(claim([other, setRef]), set('Retain', 'Retain'), pod(0)), [other]);
});
