import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorText } from '../../../core/validation/index.js';
import { storageClassStrategy as s, type StorageClassObject } from './strategy.js';

const sc = (): StorageClassObject => ({
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-path' }, provisioner: 'berth.dev/local-path',
});

function create(x: StorageClassObject): { obj: StorageClassObject; errs: string[] } {
  const obj = structuredClone(x);
  s.defaults(obj);
  s.prepareForCreate(obj, { now: new Date() });
  return { obj, errs: s.validate(obj).map(fieldErrorText) };
}

test('StorageClass defaults: Delete and Immediate (F2)', () => {
  const { obj, errs } = create(sc());
  assert.deepEqual(errs, []);
  assert.equal(obj.reclaimPolicy, 'Delete');
  assert.equal(obj.volumeBindingMode, 'Immediate');
});

test('StorageClass reject paths (I23)', () => {
  const cases: Array<[string, (x: StorageClassObject) => void, string[]]> = [
    ['no provisioner', (x) => { (x as { provisioner?: string }).provisioner = ''; }, ['provisioner: Required value']],
    ['Recycle', (x) => { x.reclaimPolicy = 'Recycle'; }, ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']],
    ['binding mode', (x) => { x.volumeBindingMode = 'Later'; },
      ['volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"']],
    ['namespaced', (x) => { x.metadata!.namespace = 'default'; }, ['metadata.namespace: Forbidden: not allowed on this type']],
  ];
  for (const [name, mutate, want] of cases) {
    const x = sc();
    mutate(x);
    assert.deepEqual(create(x).errs, want, name);
  }
});

test('StorageClass updates: provisioner, parameters, reclaimPolicy, binding mode are fixed', () => {
  const { obj: prev } = create(sc());
  const next = structuredClone(prev);
  next.allowVolumeExpansion = true;
  next.metadata!.annotations = { 'storageclass.kubernetes.io/is-default-class': 'true' };
  assert.deepEqual(s.validateUpdate(next, prev), []);
  next.provisioner = 'other';
  next.parameters = { a: 'b' };
  next.reclaimPolicy = 'Retain';
  next.volumeBindingMode = 'WaitForFirstConsumer';
  assert.deepEqual(s.validateUpdate(next, prev).map(fieldErrorText), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
    'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
  ]);
});
