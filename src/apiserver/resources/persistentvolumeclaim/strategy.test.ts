import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fieldErrorMessage } from '../../../core/errors.js';
import { persistentVolumeClaimStrategy as s, type PersistentVolumeClaimObject } from './strategy.js';
import { checkPvcResize } from './validation.js';

const seed = (): PersistentVolumeClaimObject =>
  parse(readFileSync(new URL('../../../../../shared/seed/manifests/pvc.yaml', import.meta.url), 'utf8')) as PersistentVolumeClaimObject;

function create(pvc: PersistentVolumeClaimObject): { obj: PersistentVolumeClaimObject; errs: string[] } {
  const obj = structuredClone(pvc);
  obj.metadata = { ...obj.metadata, namespace: 'default' };
  s.defaults(obj);
  s.prepareForCreate(obj, { now: new Date() });
  return { obj, errs: s.validate(obj).map(fieldErrorMessage) };
}

function bound(pvc: PersistentVolumeClaimObject, capacity = '1Gi'): PersistentVolumeClaimObject {
  const b = structuredClone(pvc);
  (b as { status?: object }).status = { phase: 'Bound', capacity: { storage: capacity }, accessModes: ['ReadWriteOnce'] };
  b.spec!.volumeName = 'pv1';
  return b;
}

const update = (next: PersistentVolumeClaimObject, prev: PersistentVolumeClaimObject): string[] => {
  s.defaults(next);
  s.prepareForUpdate(next, prev);
  return s.validateUpdate(next, prev).map(fieldErrorMessage);
};

test('the seed claim is accepted: Pending, Filesystem, protected', () => {
  const { obj, errs } = create(seed());
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.status, { phase: 'Pending' });
  assert.equal(obj.spec!.volumeMode, 'Filesystem');
  assert.deepEqual(obj.metadata!.finalizers, ['kubernetes.io/pvc-protection']);
});

test('claim reject paths (I14-I16)', () => {
  const cases: Array<[string, (p: PersistentVolumeClaimObject) => void, string[]]> = [
    ['no access modes', (p) => { p.spec!.accessModes = []; }, ['spec.accessModes: Required value: at least 1 access mode is required']],
    ['unknown access mode', (p) => { p.spec!.accessModes = ['ReadWriteSometimes']; },
      ['spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"']],
    ['RWOP with others', (p) => { p.spec!.accessModes = ['ReadWriteOncePod', 'ReadWriteOnce']; },
      ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes']],
    ['no storage request', (p) => { p.spec!.resources = {}; }, ['spec.resources[storage]: Required value']],
    ['zero storage', (p) => { p.spec!.resources = { requests: { storage: '0' } }; },
      ['spec.resources[storage]: Invalid value: "0": must be greater than zero']],
    ['bad volume mode', (p) => { p.spec!.volumeMode = 'Raw'; }, ['spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"']],
    ['bad class name', (p) => { p.spec!.storageClassName = 'Fast'; },
      ["spec.storageClassName: Invalid value: \"Fast\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
  ];
  for (const [name, mutate, want] of cases) {
    const pvc = seed();
    mutate(pvc);
    assert.deepEqual(create(pvc).errs, want, name);
  }
});

test('claim spec is immutable except volumeName once, class from nil, requests when bound (I17-I19)', () => {
  const { obj: prev } = create(seed());
  const bind = structuredClone(prev);
  bind.spec!.volumeName = 'pv1';
  bind.spec!.storageClassName = 'local-path';
  assert.deepEqual(update(bind, prev), []);

  const grow = structuredClone(prev);
  grow.spec!.resources = { requests: { storage: '2Gi' } };
  const errs = update(grow, prev);
  assert.equal(errs.length, 1);
  assert.ok(errs[0].startsWith('spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n'), errs[0]);

  const b = bound(prev);
  const growBound = structuredClone(b);
  growBound.spec!.resources = { requests: { storage: '2Gi' } };
  assert.deepEqual(update(growBound, b), []);
  const shrink = structuredClone(b);
  shrink.spec!.resources = { requests: { storage: '512Mi' } };
  assert.deepEqual(update(shrink, b), ['spec.resources.requests.storage: Forbidden: field can not be less than status.capacity']);

  const mode = structuredClone(b);
  mode.spec!.volumeMode = 'Block';
  const modeErrs = update(mode, b);
  assert.ok(modeErrs.includes('volumeMode: Invalid value: "Block": field is immutable'), modeErrs.join('\n'));
});

test('growing needs a bound claim whose class allows expansion (I20)', () => {
  const { obj } = create(seed());
  obj.spec!.storageClassName = 'local-block';
  const b = bound(obj);
  const grown = structuredClone(b);
  grown.spec!.resources = { requests: { storage: '2Gi' } };
  const sc = { metadata: { name: 'local-block' }, provisioner: 'berth.dev/local-block', allowVolumeExpansion: true };
  assert.equal(checkPvcResize(grown, b, sc), undefined);
  const denied = checkPvcResize(grown, b, { ...sc, allowVolumeExpansion: false });
  assert.equal(denied?.code, 403);
  assert.equal(denied?.message, 'persistentvolumeclaims "pv-claim" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
  assert.equal(checkPvcResize(b, b, undefined), undefined);
});

test('status writes keep the spec', () => {
  const { obj: prev } = create(seed());
  const next = bound(prev);
  next.spec!.accessModes = ['ReadOnlyMany'];
  s.prepareForStatusUpdate(next, prev);
  assert.deepEqual(next.spec!.accessModes, ['ReadWriteOnce']);
  assert.deepEqual(s.validateStatusUpdate(next, prev), []);
});
