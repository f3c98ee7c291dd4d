// Matching over the VolumeIndex (E6-E11, upstream index_test.go cases): access-mode groups
// fewest first, smallest fit, pre-bound PVs, delayed binding, selectors, volumeMode,
// deletion, phases, reservations, the scheduler's node-aware variant, and index upkeep.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PersistentVolumeClaimObject, PersistentVolumeObject } from '../../volumes/index.js';
import { AssumeCache } from './assume-cache.js';
import { findBestMatch, findForNode } from './match.js';
import { VolumeIndex } from './volume-index.js';

let rv = 1;
function pv(name: string, o: { cap?: string; modes?: string[]; cls?: string; phase?: string; labels?: Record<string, string>;
  claim?: { name: string; uid?: string }; mode?: string; deleting?: boolean; node?: string } = {}): PersistentVolumeObject {
  return {
    metadata: { name, resourceVersion: String(rv++), ...(o.labels ? { labels: o.labels } : {}), ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: {
      capacity: { storage: o.cap ?? '1Gi' }, accessModes: o.modes ?? ['ReadWriteOnce'], storageClassName: o.cls ?? '',
      ...(o.claim ? { claimRef: { namespace: 'ns', name: o.claim.name, ...(o.claim.uid ? { uid: o.claim.uid } : {}) } } : {}),
      ...(o.mode ? { volumeMode: o.mode } : {}),
      ...(o.node ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [o.node] }] }] } } } : {}),
    },
    status: { phase: o.phase ?? 'Available' },
  };
}

function pvc(name: string, o: { req?: string; modes?: string[]; cls?: string; selector?: object; mode?: string } = {}): PersistentVolumeClaimObject {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}` },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: o.req ?? '1Gi' } }, storageClassName: o.cls ?? '',
      ...(o.selector ? { selector: o.selector } : {}), ...(o.mode ? { volumeMode: o.mode } : {}),
    },
  };
}

function indexOf(...pvs: PersistentVolumeObject[]): VolumeIndex {
  const cache = new AssumeCache<PersistentVolumeObject>((v) => v.metadata!.name!);
  const index = new VolumeIndex(cache);
  for (const v of pvs) cache.observe(v);
  return index;
}

const match = (index: VolumeIndex, claim: PersistentVolumeClaimObject, delay = false) => findBestMatch(index, claim, delay)?.metadata?.name;

describe('pv-binder matching', () => {
  it('searches access-mode groups fewest modes first, smallest fit inside (E6, E10)', () => {
    const index = indexOf(
      pv('rwo-5', { cap: '5Gi' }), pv('rwo-2', { cap: '2Gi' }), pv('rwo-500m', { cap: '500Mi' }),
      pv('rwo-rox-1', { cap: '1Gi', modes: ['ReadWriteOnce', 'ReadOnlyMany'] }),
      pv('all-1', { cap: '1Gi', modes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'] }),
    );
    assert.equal(match(index, pvc('a', { req: '1Gi' })), 'rwo-2');
    assert.equal(match(index, pvc('b', { req: '6Gi' })), undefined);
    assert.equal(match(index, pvc('c', { req: '1Gi', modes: ['ReadOnlyMany'] })), 'rwo-rox-1');
    assert.equal(match(index, pvc('d', { modes: ['ReadWriteMany', 'ReadWriteOnce'] })), 'all-1');
    assert.equal(match(index, pvc('e', { req: '1536Mi' })), 'rwo-2', '1.5Gi fits in 2Gi');
    assert.equal(match(index, pvc('f', { req: '2Gi' })), 'rwo-2', 'an exact fit fits');
  });

  it('returns a pre-bound PV of the group at once, skipping class, selector and phase (E8)', () => {
    const index = indexOf(
      pv('small', { cap: '1Gi', cls: 'gold' }),
      pv('mine', { cap: '10Gi', cls: 'other', phase: 'Pending', claim: { name: 'c' } }),
      pv('theirs', { cap: '1Gi', cls: 'gold', claim: { name: 'someone' } }),
    );
    assert.equal(match(index, pvc('c', { cls: 'gold', selector: { matchLabels: { x: 'y' } } })), 'mine');
    assert.equal(match(index, pvc('someone-else', { cls: 'gold' })), 'small');
    // A pre-bound PV that is too small, of another volumeMode, or being deleted is skipped.
    const small = indexOf(pv('tiny', { cap: '1Mi', claim: { name: 'c' } }), pv('block', { mode: 'Block', claim: { name: 'c' } }),
      pv('going', { deleting: true, claim: { name: 'c' } }), pv('free'));
    assert.equal(match(small, pvc('c')), 'free');
    // The uid must match when the claimRef has one.
    assert.equal(match(indexOf(pv('old', { claim: { name: 'c', uid: 'uid-previous' } })), pvc('c')), undefined);
    assert.equal(match(indexOf(pv('same', { claim: { name: 'c', uid: 'uid-c' }, phase: 'Bound' })), pvc('c')), 'same');
  });

  it('with delayed binding, takes only pre-bound PVs (E11)', () => {
    const index = indexOf(pv('free'), pv('mine', { claim: { name: 'c' } }));
    assert.equal(match(index, pvc('other'), true), undefined);
    assert.equal(match(index, pvc('c'), true), 'mine');
  });

  it('filters by class, selector, volumeMode, phase and deletion (E7, E9)', () => {
    const index = indexOf(
      pv('fast', { cls: 'fast', labels: { tier: 'a' } }), pv('slow', { cls: 'slow', labels: { tier: 'b' } }),
      pv('block', { cls: 'fast', mode: 'Block' }), pv('released', { cls: 'fast', phase: 'Released' }),
      pv('pending', { cls: 'fast', phase: 'Pending' }), pv('deleting', { cls: 'fast', deleting: true, cap: '500Mi' }),
    );
    assert.equal(match(index, pvc('x', { cls: 'slow' })), 'slow');
    assert.equal(match(index, pvc('x', { cls: '' })), undefined);
    assert.equal(match(index, pvc('x', { cls: 'fast', selector: { matchLabels: { tier: 'b' } } })), undefined);
    assert.equal(match(index, pvc('x', { cls: 'fast', selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] } })), 'fast');
    assert.equal(match(index, pvc('x', { cls: 'fast', mode: 'Block' })), 'block');
    assert.equal(match(index, pvc('x', { cls: 'fast', req: '100Mi' })), 'fast', 'only Available, not-deleting PVs are candidates');
  });

  it('keeps the index current as PVs change, and hides reserved ones', () => {
    const cache = new AssumeCache<PersistentVolumeObject>((v) => v.metadata!.name!);
    const index = new VolumeIndex(cache);
    const a = pv('a', { cap: '1Gi' });
    cache.observe(a);
    cache.observe(pv('b', { cap: '2Gi' }));
    index.reserve('a');
    assert.equal(match(index, pvc('x')), 'b');
    index.release('a');
    assert.equal(match(index, pvc('x')), 'a');
    cache.assume({ ...a, metadata: { ...a.metadata, resourceVersion: String(rv++) }, spec: { ...a.spec, claimRef: { namespace: 'ns', name: 'x', uid: 'uid-x' } } });
    assert.equal(match(index, pvc('y')), 'b', 'a bound PV is no candidate');
    assert.equal(match(index, pvc('x')), 'a', 'but still pre-bound for its claim');
    // An older version from a lagging informer does not undo the newer state.
    cache.observe(a);
    assert.equal(match(index, pvc('y')), 'b');
    cache.forget('b');
    assert.equal(match(index, pvc('y')), undefined);
  });

  it('finds, for a node, the smallest PV across groups whose affinity admits it (scheduler path, E36)', () => {
    const index = indexOf(
      pv('far-small', { cap: '1Gi', node: 'n2' }), pv('here-big', { cap: '4Gi', node: 'n1' }),
      pv('here-two-modes', { cap: '2Gi', node: 'n1', modes: ['ReadWriteOnce', 'ReadOnlyMany'] }), pv('anywhere', { cap: '3Gi' }),
    );
    const labels = { 'kubernetes.io/hostname': 'n1' };
    assert.equal(findForNode(index, pvc('c'), labels, 'n1')?.metadata?.name, 'here-two-modes');
    assert.equal(findForNode(index, pvc('c', { req: '3Gi' }), labels, 'n1')?.metadata?.name, 'anywhere');
    assert.equal(findForNode(index, pvc('c', { req: '5Gi' }), labels, 'n1'), undefined);
  });

  it('pairs 10,000 claims with 10,000 PVs of mixed sizes exactly, one at a time', () => {
    const cache = new AssumeCache<PersistentVolumeObject>((v) => v.metadata!.name!);
    const index = new VolumeIndex(cache);
    const N = 10_000;
    for (let i = 0; i < N; i++) cache.observe(pv(`pv-${i}`, { cap: `${(i % 10) + 1}Gi` }));
    const taken = new Set<string>();
    for (let i = 0; i < N; i++) {
      const claim = pvc(`c-${i}`, { req: `${(i % 10) + 1}Gi` });
      const got = findBestMatch(index, claim, false)!;
      assert.equal(got.spec?.capacity?.storage, `${(i % 10) + 1}Gi`, 'the smallest fit is an exact fit');
      assert.ok(!taken.has(got.metadata!.name!));
      taken.add(got.metadata!.name!);
      cache.assume({ ...got, metadata: { ...got.metadata, resourceVersion: String(rv++) }, spec: { ...got.spec, claimRef: { namespace: 'ns', name: `c-${i}`, uid: `uid-c-${i}` } } });
    }
    assert.equal(findBestMatch(index, pvc('one-more'), false), undefined);
  });
});
