import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fieldErrorMessage } from '../../../core/errors.js';
import { podStrategy, type PodObject } from './strategy.js';

const seed = (name: string): PodObject =>
  parse(readFileSync(new URL(`../../../../../shared/seed/manifests/${name}`, import.meta.url), 'utf8')) as PodObject;

function create(pod: PodObject, namespace = 'default'): { obj: PodObject; errs: string[] } {
  const obj = structuredClone(pod);
  obj.metadata = { ...obj.metadata, namespace };
  podStrategy.defaults(obj);
  podStrategy.prepareForCreate(obj, { now: new Date('2025-01-01T00:00:00Z') });
  return { obj, errs: podStrategy.validate(obj).map(fieldErrorMessage) };
}

const basic = (): PodObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

test('the seed pod is accepted and defaulted like upstream', () => {
  const { obj, errs } = create(seed('pod.yaml'));
  assert.deepEqual(errs, []);
  const spec = obj.spec!;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.serviceAccount, 'default');
  assert.equal(spec.priority, 0);
  assert.equal(spec.preemptionPolicy, 'PreemptLowerPriority');
  const c = spec.containers[0];
  assert.equal(c.imagePullPolicy, 'Always'); // "nginx" has no tag: latest
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.equal(c.ports![0].protocol, 'TCP');
  assert.deepEqual(spec.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  assert.deepEqual(obj.status, { phase: 'Pending', qosClass: 'BestEffort' });
});

test('image pull policy follows the tag', () => {
  const pod = basic();
  pod.spec!.containers = [
    { name: 'a', image: 'nginx:1.9.1' }, { name: 'b', image: 'nginx:latest' }, { name: 'c', image: 'localhost:5000/x' },
    { name: 'd', image: 'nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000' },
  ];
  const { obj } = create(pod);
  assert.deepEqual(obj.spec!.containers.map((c) => c.imagePullPolicy), ['IfNotPresent', 'Always', 'Always', 'IfNotPresent']);
});

test('requests default to limits and decide the QoS class', () => {
  const pod = basic();
  pod.spec!.containers[0].resources = { limits: { cpu: '0.5', memory: '1Gi' } };
  const { obj, errs } = create(pod);
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec!.containers[0].resources!.requests, { cpu: '500m', memory: '1Gi' });
  assert.equal(obj.status!.qosClass, 'Guaranteed');
});

test('pod reject paths use upstream messages', () => {
  const cases: Array<[string, (p: PodObject) => void, string[]]> = [
    ['no containers', (p) => { p.spec!.containers = []; }, ['spec.containers: Required value']],
    ['duplicate container', (p) => { p.spec!.containers.push({ name: 'c', image: 'x' }); }, ['spec.containers[1].name: Duplicate value: "c"']],
    ['no image', (p) => { p.spec!.containers[0].image = ''; }, ['spec.containers[0].image: Required value']],
    ['bad restartPolicy', (p) => { p.spec!.restartPolicy = 'Sometimes'; },
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    ['mount of unknown volume', (p) => { p.spec!.containers[0].volumeMounts = [{ name: 'data', mountPath: '/d' }]; },
      ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
    ['request above limit', (p) => { p.spec!.containers[0].resources = { requests: { cpu: '2' }, limits: { cpu: '1' } }; },
      ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']],
    ['volume without source name', (p) => { p.spec!.volumes = [{ name: 'v', persistentVolumeClaim: { claimName: '' } }]; },
      ['spec.volumes[0].persistentVolumeClaim.claimName: Required value']],
    ['two volume sources', (p) => { p.spec!.volumes = [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }]; },
      ['spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type']],
    ['bad container name', (p) => { p.spec!.containers[0].name = 'C'; },
      ["spec.containers[0].name: Invalid value: \"C\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]],
    ['bad port', (p) => { p.spec!.containers[0].ports = [{ containerPort: 70000 }]; },
      ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['liveness successThreshold', (p) => { p.spec!.containers[0].livenessProbe = { exec: { command: ['true'] }, successThreshold: 2 }; },
      ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1']],
    ['probe without handler', (p) => { p.spec!.containers[0].readinessProbe = {}; },
      ['spec.containers[0].readinessProbe: Required value: must specify a handler type']],
  ];
  for (const [name, mutate, want] of cases) {
    const pod = basic();
    mutate(pod);
    assert.deepEqual(create(pod).errs, want, name);
  }
});

test('pod updates may only change images, deadlines and tolerations', () => {
  const { obj: prev } = create(basic());
  const next = structuredClone(prev);
  next.spec!.containers[0].image = 'busybox:2';
  assert.deepEqual(podStrategy.validateUpdate(next, prev), []);
  next.spec!.restartPolicy = 'Never';
  const errs = podStrategy.validateUpdate(next, prev).map(fieldErrorMessage);
  assert.equal(errs.length, 1);
  assert.ok(errs[0].startsWith('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n'), errs[0]);
  const fewer = structuredClone(prev);
  fewer.spec!.tolerations = [];
  assert.deepEqual(podStrategy.validateUpdate(fewer, prev).map(fieldErrorMessage),
    ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
});

test('status updates keep the spec and the QoS class', () => {
  const { obj: prev } = create(basic());
  const next = structuredClone(prev);
  next.spec!.nodeName = 'elsewhere';
  (next as { status?: object }).status = { phase: 'Running' };
  podStrategy.prepareForStatusUpdate(next, prev);
  assert.equal(next.spec!.nodeName, undefined);
  assert.equal(next.status!.qosClass, 'BestEffort');
  assert.deepEqual(podStrategy.validateStatusUpdate(next, prev), []);
});

test('grace period on delete', () => {
  const { obj } = create(basic());
  assert.equal(podStrategy.deleteGracePeriod!(obj, undefined), 0); // not scheduled
  obj.spec!.nodeName = 'n1';
  assert.equal(podStrategy.deleteGracePeriod!(obj, undefined), 30);
  assert.equal(podStrategy.deleteGracePeriod!(obj, -5), 1);
});
