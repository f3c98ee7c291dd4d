import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fieldErrorMessage } from '../../../core/errors.js';
import { persistentVolumeStrategy as s, type PersistentVolumeObject } from './strategy.js';

const seed = (name: string): PersistentVolumeObject =>
  parse(readFileSync(new URL(`../../../../../shared/seed/manifests/${name}`, import.meta.url), 'utf8')) as PersistentVolumeObject;
const now = new Date('2025-01-01T00:00:00Z');

function create(pv: PersistentVolumeObject): { obj: PersistentVolumeObject; errs: string[] } {
  const obj = structuredClone(pv);
  s.defaults(obj);
  s.prepareForCreate(obj, { now });
  return { obj, errs: s.validate(obj).map(fieldErrorMessage) };
}

const hostPathPV = (): PersistentVolumeObject => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } },
});

test('the seed rbd PV fails only for its missing access modes', () => {
  assert.deepEqual(create(seed('pv.yaml')).errs, ['spec.accessModes: Required value']);
});

test('a new PV is Pending, Retain, Filesystem, protected', () => {
  const { obj, errs } = create(hostPathPV());
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.status, { phase: 'Pending', lastPhaseTransitionTime: '2025-01-01T00:00:00Z' });
  assert.equal(obj.spec!.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(obj.spec!.volumeMode, 'Filesystem');
  assert.equal(obj.spec!.hostPath!.type, '');
  assert.deepEqual(obj.metadata!.finalizers, ['kubernetes.io/pv-protection']);
});

test('PV reject paths (I21)', () => {
  const cases: Array<[string, (pv: PersistentVolumeObject) => void, string[]]> = [
    ['no capacity', (pv) => { delete pv.spec!.capacity; }, ['spec.capacity: Required value', 'spec.capacity: Unsupported value: null: supported values: "storage"']],
    ['extra capacity', (pv) => { pv.spec!.capacity = { storage: '1Gi', cpu: '1' }; },
      ['spec.capacity: Unsupported value: {"storage":"1Gi","cpu":"1"}: supported values: "storage"']],
    ['zero capacity', (pv) => { pv.spec!.capacity = { storage: '0' }; }, ['spec.capacity[storage]: Invalid value: "0": must be greater than zero']],
    ['no source', (pv) => { delete pv.spec!.hostPath; }, ['spec: Required value: must specify a volume type']],
    ['two sources', (pv) => { pv.spec!.nfs = { server: 'a', path: '/b' }; }, ['spec.nfs: Forbidden: may not specify more than 1 volume type']],
    ['local without affinity', (pv) => { delete pv.spec!.hostPath; pv.spec!.local = { path: '/mnt' }; },
      ['spec.nodeAffinity: Required value: Local volume requires node affinity']],
    ['bad reclaim policy', (pv) => { pv.spec!.persistentVolumeReclaimPolicy = 'Keep'; },
      ['spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"']],
    ['bad access mode', (pv) => { pv.spec!.accessModes = ['ReadWriteOncePod', 'ReadOnlyMany']; },
      ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes']],
  ];
  for (const [name, mutate, want] of cases) {
    const pv = hostPathPV();
    mutate(pv);
    assert.deepEqual(create(pv).errs, want, name);
  }
});

test('PV updates: source immutable, capacity and class mutable (I22)', () => {
  const { obj: prev } = create(hostPathPV());
  const ok = structuredClone(prev);
  ok.spec!.capacity = { storage: '2Gi' };
  ok.spec!.storageClassName = 'manual';
  ok.spec!.claimRef = { name: 'c', namespace: 'default' };
  assert.deepEqual(s.validateUpdate(ok, prev), []);
  const moved = structuredClone(prev);
  moved.spec!.hostPath = { path: '/elsewhere', type: '' };
  const errs = s.validateUpdate(moved, prev).map(fieldErrorMessage);
  assert.equal(errs.length, 1);
  assert.ok(errs[0].startsWith('spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n'), errs[0]);
  const mode = structuredClone(prev);
  mode.spec!.volumeMode = 'Block';
  assert.deepEqual(s.validateUpdate(mode, prev).map(fieldErrorMessage), ['volumeMode: Invalid value: "Block": field is immutable']);
});

test('status writes keep the spec and stamp phase transitions', () => {
  const { obj: prev } = create(hostPathPV());
  const next = structuredClone(prev);
  next.spec!.capacity = { storage: '5Gi' };
  (next as { status?: object }).status = { phase: 'Available', lastPhaseTransitionTime: prev.status!.lastPhaseTransitionTime };
  s.prepareForStatusUpdate(next, prev, { now: new Date('2025-01-02T00:00:00Z') });
  assert.equal(next.spec!.capacity!.storage, '1Gi');
  assert.equal(next.status!.lastPhaseTransitionTime, '2025-01-02T00:00:00Z');
});

test('several sources are checked in upstream order, whatever order the spec lists them in', () => {
  const pv = hostPathPV();
  pv.spec = { csi: { driver: 'd.example.com', volumeHandle: 'h' }, nfs: { server: 'a', path: '/b' }, ...pv.spec };
  assert.deepEqual(create(pv).errs, [
    'spec.nfs: Forbidden: may not specify more than 1 volume type',
    'spec.csi: Forbidden: may not specify more than 1 volume type',
  ]);
  // The immutability diff lists the sources in that order too.
  const { obj: prev } = create(hostPathPV());
  const next = structuredClone(prev);
  next.spec = { nfs: { server: 'a', path: '/b' }, ...next.spec };
  const errs = s.validateUpdate(next, prev).map(fieldErrorMessage).filter((e) => e.startsWith('spec.persistentvolumesource'));
  assert.equal(errs.length, 1);
  assert.ok(errs[0].endsWith('  core.PersistentVolumeSource{\n  \t... // 1 identical field\n+ \tNfs: {"server":"a","path":"/b"},\n  }\n'), errs[0]);
});
