import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fieldErrorText as fieldErrorMessage } from '../../../core/validation/index.js';
import { statefulSetStrategy as s, type StatefulSetObject } from './strategy.js';

const seed = (): StatefulSetObject =>
  parse(readFileSync(new URL('../../../../../shared/seed/manifests/statefulset.yaml', import.meta.url), 'utf8')) as StatefulSetObject;

function create(sts: StatefulSetObject): { obj: StatefulSetObject; errs: string[] } {
  const obj = structuredClone(sts);
  obj.metadata = { ...obj.metadata, namespace: 'default' };
  s.defaults(obj);
  s.prepareForCreate(obj, { now: new Date() });
  return { obj, errs: s.validate(obj).map(fieldErrorMessage) };
}

function update(next: StatefulSetObject, prev: StatefulSetObject): string[] {
  s.defaults(next);
  s.prepareForUpdate(next, prev);
  return s.validateUpdate(next, prev).map(fieldErrorMessage);
}

test('the seed StatefulSet is accepted with upstream defaults (D1, B11)', () => {
  const { obj, errs } = create(seed());
  assert.deepEqual(errs, []);
  const spec = obj.spec!;
  assert.equal(spec.replicas, 2);
  assert.equal(spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(spec.template.spec!.restartPolicy, 'Always');
  assert.equal(spec.template.spec!.containers[0].imagePullPolicy, 'IfNotPresent');
  assert.equal(spec.template.spec!.containers[0].ports![0].protocol, 'TCP');
  const claim = spec.volumeClaimTemplates![0];
  assert.equal(claim.apiVersion, 'v1');
  assert.equal(claim.kind, 'PersistentVolumeClaim');
  assert.equal(claim.spec!.volumeMode, 'Filesystem');
  assert.deepEqual(claim.status, { phase: 'Pending' });
  assert.deepEqual(obj.status, { replicas: 0, availableReplicas: 0 });
  // Templates are not pods: no service account or tolerations are added.
  assert.equal(spec.template.spec!.serviceAccountName, undefined);
  assert.equal(spec.template.spec!.tolerations, undefined);
});

test('StatefulSet create reject paths (I1-I9)', () => {
  const cases: Array<[string, (x: StatefulSetObject) => void, string[]]> = [
    ['name not a label', (x) => { x.metadata!.name = 'web.v1'; }, ['metadata.name: Invalid value: "web.v1": must not contain dots']],
    ['no selector', (x) => { delete (x.spec as { selector?: unknown }).selector; },
      ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`']],
    ['empty selector', (x) => { x.spec!.selector = {}; }, ['spec.selector: Invalid value: {}: empty selector is invalid for statefulset']],
    ['selector mismatch', (x) => { x.spec!.selector = { matchLabels: { app: 'web' } }; },
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`']],
    ['bad pod management', (x) => { x.spec!.podManagementPolicy = 'Sideways'; },
      ['spec.podManagementPolicy: Invalid value: "Sideways": must be \'OrderedReady\' or \'Parallel\'']],
    ['bad strategy', (x) => { x.spec!.updateStrategy = { type: 'Recreate' }; },
      ['spec.updateStrategy: Invalid value: {"type":"Recreate"}: must be \'RollingUpdate\' or \'OnDelete\'']],
    ['OnDelete with rollingUpdate', (x) => { x.spec!.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 1 } }; },
      ['spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy \'RollingUpdate\'']],
    ['negative partition', (x) => { x.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: -1 } }; },
      ['spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0']],
    ['negative replicas', (x) => { x.spec!.replicas = -1; }, ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['negative minReadySeconds', (x) => { x.spec!.minReadySeconds = -1; }, ['spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0']],
    ['negative ordinal start', (x) => { x.spec!.ordinals = { start: -1 }; }, ['spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0']],
    ['bad retention', (x) => { x.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Keep', whenScaled: 'Retain' }; },
      ['spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"']],
    ['restartPolicy', (x) => { x.spec!.template.spec!.restartPolicy = 'Never'; },
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['activeDeadlineSeconds', (x) => { x.spec!.template.spec!.activeDeadlineSeconds = 10; },
      ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported']],
    // I10: claim templates are not validated as claims.
    ['claim template without access modes', (x) => { x.spec!.volumeClaimTemplates![0].spec!.accessModes = []; }, []],
  ];
  for (const [name, mutate, want] of cases) {
    const sts = seed();
    mutate(sts);
    assert.deepEqual(create(sts).errs, want, name);
  }
});

test('maxUnavailable is dropped while its feature gate is off (I6)', () => {
  const sts = seed();
  sts.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } };
  const { obj, errs } = create(sts);
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec!.updateStrategy!.rollingUpdate, { partition: 0 });
});

test('StatefulSet updates: only the mutable spec fields (I12)', () => {
  const { obj: prev } = create(seed());
  const ok = structuredClone(prev);
  ok.spec!.replicas = 5;
  ok.spec!.template.spec!.containers[0].image = 'nginx:1.25';
  ok.spec!.updateStrategy = { type: 'OnDelete' };
  ok.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Delete' };
  ok.spec!.minReadySeconds = 3;
  assert.deepEqual(update(ok, prev), []);
  const forbidden = "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
  for (const mutate of [
    (x: StatefulSetObject) => { x.spec!.serviceName = 'other'; },
    (x: StatefulSetObject) => { x.spec!.podManagementPolicy = 'Parallel'; },
    (x: StatefulSetObject) => { x.spec!.volumeClaimTemplates![0].spec!.resources = { requests: { storage: '2Gi' } }; },
    (x: StatefulSetObject) => { x.spec!.revisionHistoryLimit = 3; },
  ]) {
    const next = structuredClone(prev);
    mutate(next);
    assert.deepEqual(update(next, prev), [forbidden]);
  }
});

test('status writes: counts, bounds and collisionCount (D24)', () => {
  const { obj: prev } = create(seed());
  const status = (x: StatefulSetObject, st: object) => { (x as { status?: object }).status = st; return x; };
  const check = (st: object, base = prev) => {
    const next = status(structuredClone(base), st);
    s.prepareForStatusUpdate(next, base);
    return s.validateStatusUpdate(next, base).map(fieldErrorMessage);
  };
  assert.deepEqual(check({ replicas: 2, readyReplicas: 2, availableReplicas: 2, currentReplicas: 2, updatedReplicas: 2 }), []);
  assert.deepEqual(check({ replicas: 1, readyReplicas: 2, availableReplicas: 0 }), ['status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas']);
  assert.deepEqual(check({ replicas: 2, readyReplicas: 1, availableReplicas: 2 }), ['status.availableReplicas: Invalid value: 2: cannot be greater than status.readyReplicas']);
  // Zero counts above a negative replicas count are reported too, as upstream does.
  assert.deepEqual(check({ replicas: -1, availableReplicas: 0 }), ['status.replicas: Invalid value: -1: must be greater than or equal to 0',
    ...['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'].map((f) => `status.${f}: Invalid value: 0: cannot be greater than status.replicas`)]);
  const withCollisions = status(structuredClone(prev), { replicas: 0, availableReplicas: 0, collisionCount: 2 });
  assert.deepEqual(check({ replicas: 0, availableReplicas: 0, collisionCount: 1 }, withCollisions),
    ['status.collisionCount: Invalid value: 1: cannot be decremented']);
  const next = status(structuredClone(prev), { replicas: 1 });
  next.spec!.replicas = 9;
  s.prepareForStatusUpdate(next, prev);
  assert.equal(next.spec!.replicas, 2);
});
