import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError } from '../errors.js';
import { decodeKubernetesProtobuf, readEnvelope } from './index.js';
import { body, bool, bytes, entry, int, msg, str, varint } from './testdata/writer.js';

const is400 = (re: RegExp) => (e: unknown): boolean => {
  assert.ok(isApiError(e), `not an ApiError: ${String(e)}`);
  assert.equal(e.code, 400);
  assert.equal(e.reason, 'BadRequest');
  assert.match(e.message, re);
  return true;
};

test('the recorded body of `kubectl create ns foo` is the Namespace Go would print as JSON', () => {
  const recorded = 'k8s\u0000\n\u000f\n\u0002v1\u0012\tNamespace\u0012\u001b\n\u0013\n\u0003foo\u0012\u0000\u001a\u0000"\u0000*\u00002\u00008\u0000B\u0000\u0012\u0000\u001a\u0002\n\u0000\u001a\u0000"\u0000';
  const d = decodeKubernetesProtobuf(Buffer.from(recorded, 'latin1'));
  assert.equal(d.apiVersion, 'v1');
  assert.equal(d.kind, 'Namespace');
  // Empty omitempty strings and the zero creationTimestamp (null in Go's JSON) are left out;
  // spec and status are non-pointer structs, which Go's JSON always prints.
  assert.deepEqual(d.object, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' }, spec: {}, status: {} });
  assert.deepEqual(d.unknownFields, []);
  assert.deepEqual(readEnvelope(Buffer.from(recorded, 'latin1')).contentType, '');
});

test('a Pod: zero values, pointers, int64, negative int32, IntOrString, quantities, times, inline structs', () => {
  const d = decodeKubernetesProtobuf(body('v1', 'Pod',
    msg(1, str(1, 'web'), str(3, 'default'), int(7, 0), msg(8, int(1, 1700000000), int(2, 123)), int(10, 0),
      entry(11, 'app', 'web'),
      msg(17, str(1, 'kubectl'), str(2, 'Update'), str(3, 'v1'), msg(4, int(1, 0)), str(6, 'FieldsV1'),
        msg(7, str(1, '{"f:metadata":{}}')))),
    msg(2,
      msg(1, str(1, 'data'), msg(2, msg(1, str(1, '/srv'), str(2, '')))),
      msg(2, str(1, 'c'), str(2, 'busybox'), str(3, 'sh'), str(3, '-c'),
        msg(6, int(2, 0), int(3, 80), str(4, 'TCP')), msg(7, str(1, 'A'), str(2, '')),
        msg(8, entry(1, 'cpu', ''), msg(1, str(1, 'cpu'), msg(2, str(1, '500m'))), msg(2, str(1, 'memory'), msg(2))),
        msg(10, msg(1, msg(2, str(1, '/'), msg(2, int(1, 0), int(2, 8080)))), int(2, 0), int(4, 10)),
        msg(11, msg(1, msg(3, msg(1, int(1, 1), str(3, 'http'))))), bool(16, false), bool(18, true)),
      str(3, 'Never'), int(4, 2n ** 40n), str(10, ''), bool(11, false), bool(21, false), int(25, -5),
      msg(14, int(2, 0), bytes(4, [...varint(1), ...varint(2n ** 33n)]), int(5, 2000)),
      int(99, 7)),
    msg(3)));
  assert.deepEqual(d.object, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: 'web', namespace: 'default', creationTimestamp: '2023-11-14T22:13:20Z', deletionGracePeriodSeconds: 0,
      labels: { app: 'web' },
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '1970-01-01T00:00:00Z',
        fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }],
    },
    spec: {
      volumes: [{ name: 'data', hostPath: { path: '/srv', type: '' } }],
      containers: [{
        name: 'c', image: 'busybox', command: ['sh', '-c'],
        ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A' }],
        resources: { limits: { cpu: '500m' }, requests: { memory: '0' } },
        livenessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 10 },
        readinessProbe: { tcpSocket: { port: 'http' } },
        tty: true,
      }],
      restartPolicy: 'Never', terminationGracePeriodSeconds: 2 ** 40, automountServiceAccountToken: false,
      priority: -5, securityContext: { runAsUser: 0, supplementalGroups: [1, 2 ** 33], fsGroup: 2000 },
    },
    status: {},
  });
  assert.deepEqual(d.unknownFields, ['spec.#99']);
});

test('a message sent twice is merged, later scalars winning, as protobuf decoding does', () => {
  const d = decodeKubernetesProtobuf(body('v1', 'ConfigMap',
    msg(1, str(1, 'a'), entry(11, 'x', '1')), msg(1, str(1, 'b'), str(3, 'ns'), entry(11, 'y', '2')),
    entry(2, 'k', 'v'), msg(2, str(1, 'nokey-value-missing')), bool(4, false)));
  assert.deepEqual(d.object, {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'ns', labels: { x: '1', y: '2' } },
    data: { k: 'v', 'nokey-value-missing': '' }, immutable: false,
  });
});

test('Lease MicroTimes keep microseconds; pointer fields keep their zero values', () => {
  const d = decodeKubernetesProtobuf(body('coordination.k8s.io/v1', 'Lease',
    msg(1, str(1, 'leader')), msg(2, str(1, ''), int(2, 15), msg(3, int(1, 1700000000), int(2, 123456789)), msg(4))));
  assert.deepEqual(d.object, {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader' },
    spec: { holderIdentity: '', leaseDurationSeconds: 15, acquireTime: '2023-11-14T22:13:20.123456Z' },
  });
});

test('Secret bytes become base64; ControllerRevision data is the embedded JSON', () => {
  const s = decodeKubernetesProtobuf(body('v1', 'Secret', msg(1, str(1, 's')),
    msg(2, str(1, 'bin'), bytes(2, [0, 255, 1])), msg(2, str(1, 'empty')), str(3, 'Opaque')));
  assert.deepEqual(s.object, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { bin: 'AP8B', empty: '' }, type: 'Opaque' });
  const cr = decodeKubernetesProtobuf(body('apps/v1', 'ControllerRevision', msg(1, str(1, 'r')),
    msg(2, str(1, '{"spec":{"replicas":1}}')), int(3, 3)));
  assert.deepEqual(cr.object, { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, data: { spec: { replicas: 1 } }, revision: 3 });
  assert.throws(() => decodeKubernetesProtobuf(body('apps/v1', 'ControllerRevision', msg(2, str(1, '{nope')))),
    is400(/at data: embedded raw object is not JSON/));
});

test('subresource and options kinds: Scale, Eviction, Binding, DeleteOptions in any served group', () => {
  assert.deepEqual(decodeKubernetesProtobuf(body('autoscaling/v1', 'Scale', msg(1, str(1, 'web')), msg(2, int(1, 0)))).object,
    { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: {} });
  assert.deepEqual(decodeKubernetesProtobuf(body('policy/v1', 'Eviction', msg(1, str(1, 'p')),
    msg(2, int(1, 0), msg(2, str(1, 'u1')), str(5, 'All')))).object,
  { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p' },
    deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'u1' }, dryRun: ['All'] } });
  assert.deepEqual(decodeKubernetesProtobuf(body('v1', 'Binding', msg(1, str(1, 'p')), msg(2, str(1, 'Node'), str(3, 'n1')))).object,
    { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } });
  for (const apiVersion of ['v1', 'apps/v1', 'meta.k8s.io/v1']) {
    assert.deepEqual(decodeKubernetesProtobuf(body(apiVersion, 'DeleteOptions', str(4, 'Foreground'), bool(3, false))).object,
      { apiVersion, kind: 'DeleteOptions', orphanDependents: false, propagationPolicy: 'Foreground' });
  }
});

test('missing apiVersion/kind fall back to the endpoint defaults, else 400', () => {
  const raw = Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...bytes(2, msg(1, str(1, 'x')))]);
  assert.deepEqual(decodeKubernetesProtobuf(raw, { apiVersion: 'v1', kind: 'ServiceAccount' }).object,
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x' } });
  assert.throws(() => decodeKubernetesProtobuf(raw), is400(/Object 'Kind' is missing/));
});

test('bad input is always a 400 that says what is wrong', () => {
  assert.throws(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}')),
    is400(/^provided data does not appear to be a protobuf message, expected prefix \[107 56 115 0\]$/));
  assert.throws(() => decodeKubernetesProtobuf(new Uint8Array(0)), is400(/expected prefix/));
  assert.throws(() => decodeKubernetesProtobuf(body('apps/v1', 'Deployment')), is400(/no kind "Deployment" is registered for version "apps\/v1"/));
  assert.throws(() => decodeKubernetesProtobuf(body('v1', 'PodList')), is400(/no kind "PodList"/));
  assert.throws(() => decodeKubernetesProtobuf(body('v1', 'Pod', msg(1, int(1, 5)))), is400(/at metadata.name: wrong wire type varint, expected length-delimited/));
  assert.throws(() => decodeKubernetesProtobuf(body('v1', 'Pod', msg(2, msg(2, msg(6, int(3, 1), str(3, 'x')))))), is400(/wrong wire type/));
  assert.throws(() => decodeKubernetesProtobuf(body('v1', 'Service', msg(2, msg(1, msg(4, int(1, 2)))))), is400(/at spec.ports\[0\].targetPort: impossible IntOrString.Type 2/));
  assert.throws(() => decodeKubernetesProtobuf(body('v1', 'Pod', msg(1, msg(8, int(1, 300000000000))))), is400(/creationTimestamp: time outside of year range/));
  assert.throws(() => decodeKubernetesProtobuf(body('v1', 'Pod', [0x12, 0x05, 0x0a])), is400(/unexpected EOF/));
});

test('map keys are plain keys, even "__proto__"; raw JSON null is left out like other nulls', () => {
  const d = decodeKubernetesProtobuf(body('v1', 'ConfigMap', msg(1, str(1, 'c'), entry(11, '__proto__', 'x')), entry(2, 'constructor', 'y')));
  const labels = (d.object.metadata as { labels: Record<string, unknown> }).labels;
  assert.deepEqual(Object.keys(labels), ['__proto__']);
  assert.equal(Object.getPrototypeOf(labels), Object.prototype);
  assert.deepEqual(JSON.parse(JSON.stringify(d.object)), JSON.parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"__proto__":"x"}},"data":{"constructor":"y"}}'));
  assert.deepEqual(decodeKubernetesProtobuf(body('apps/v1', 'ControllerRevision', msg(2, str(1, 'null')), int(3, 1))).object,
    { apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: 1 });
});
