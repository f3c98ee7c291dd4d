import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../errors.js';
import { decodeObject, decodeYamlObject, duplicateFieldErrors, kindDefinition, MAX_DEPTH, type FieldValidation } from './index.js';

const def = (group: string, kind: string) => kindDefinition(group, 'v1', kind)!;
const Pod = def('', 'Pod'), Sts = def('apps', 'StatefulSet'), CM = def('', 'ConfigMap'), Secret = def('', 'Secret');
const PV = def('', 'PersistentVolume'), PVC = def('', 'PersistentVolumeClaim'), Rev = def('apps', 'ControllerRevision');
const Lease = def('coordination.k8s.io', 'Lease');

/** The ApiError a decode throws (fails the test when it does not throw one). */
function decodeError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `not an ApiError: ${e}`);
    return e;
  }
  assert.fail('expected an error');
}

const SEED = fileURLToPath(new URL('../../../../shared/seed/manifests/', import.meta.url));

test('seed manifests decode; pv.yaml has exactly the two unknown rbd fields', { skip: !existsSync(SEED) && `no ${SEED}` }, () => {
  const files = readdirSync(SEED).filter((f) => f.endsWith('.yaml'));
  assert.deepEqual(files.sort(), ['pod.yaml', 'pv.yaml', 'pvc.yaml', 'statefulset.yaml']);
  const kinds: Record<string, typeof Pod> = { 'pod.yaml': Pod, 'pv.yaml': PV, 'pvc.yaml': PVC, 'statefulset.yaml': Sts };
  for (const f of files) {
    const text = readFileSync(SEED + f, 'utf8');
    const warn = decodeYamlObject(kinds[f]!, text, 'Warn');
    if (f !== 'pv.yaml') {
      assert.deepEqual(warn.warnings, [], f);
      assert.deepEqual(decodeYamlObject(kinds[f]!, text, 'Strict').object, warn.object);
      continue;
    }
    assert.deepEqual(warn.warnings, ['unknown field "spec.rbd.imageformat"', 'unknown field "spec.rbd.imagefeatures"']);
    const rbd = (warn.object.spec as { rbd: Record<string, unknown> }).rbd;
    assert.equal(rbd.imageformat, undefined);
    assert.deepEqual(rbd.monitors, ['10.16.154.78:6789', '10.16.154.82:6789', '10.16.154.83:6789']);
    const err = decodeError(() => decodeYamlObject(PV, text, 'Strict'));
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.equal(err.message, 'PersistentVolume in version "v1" cannot be handled as a PersistentVolume: ' +
      'strict decoding error: unknown field "spec.rbd.imageformat", unknown field "spec.rbd.imagefeatures"');
  }
});

test('wrong types name the Go struct field path, in every mode', () => {
  const cases: Array<[typeof Pod, unknown, string]> = [
    [Sts, { spec: { replicas: '2' } }, 'json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32'],
    [Sts, { spec: { replicas: 1.5 } }, 'json: cannot unmarshal number 1.5 into Go struct field StatefulSetSpec.spec.replicas of type int32'],
    [Sts, { spec: { replicas: 3000000000 } }, 'json: cannot unmarshal number 3000000000 into Go struct field StatefulSetSpec.spec.replicas of type int32'],
    [Pod, { spec: { containers: [{ name: 'a', ports: [{ containerPort: '80' }] }] } },
      'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32'],
    [Pod, { spec: { containers: { name: 'a' } } }, 'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container'],
    [Pod, { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: 1 }] }] } },
      'json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value of type string'],
    [Pod, { metadata: 'x' }, 'json: cannot unmarshal string into Go struct field Pod.metadata of type v1.ObjectMeta'],
    [Pod, { metadata: { labels: { a: 1 } } }, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    [Pod, { spec: { hostNetwork: 'true' } }, 'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool'],
    [CM, { data: { a: true } }, 'json: cannot unmarshal bool into Go struct field ConfigMap.data of type string'],
    [Sts, { spec: { volumeClaimTemplates: [{ spec: { resources: { requests: { storage: '1Gb' } } } }] } },
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    [PVC, { spec: { resources: { requests: { storage: '1Mk' } } } }, "unable to parse quantity's suffix"],
    [Pod, { spec: { containers: [{ name: 'a', livenessProbe: { httpGet: { port: { x: 1 } } } }] } },
      'json: cannot unmarshal object into Go value of type int32'],
    [Pod, { metadata: { creationTimestamp: 'yesterday' } },
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
    [Secret, { data: { a: 'not base64!' } }, 'illegal base64 data at input byte 3'],
  ];
  for (const [kind, body, message] of cases) {
    for (const mode of ['Strict', 'Warn', 'Ignore'] as FieldValidation[]) {
      const err = decodeError(() => decodeObject(kind, JSON.stringify(body), mode));
      assert.equal(err.code, 400);
      assert.equal(err.message, `${kind.kind} in version "v1" cannot be handled as a ${kind.kind}: ${message}`);
    }
  }
  const err = decodeError(() => decodeObject(Pod, { spec: { containers: [{ name: 'a', ports: [{}, { containerPort: '80' }] }] } }, 'Ignore'));
  assert.deepEqual(err.details.causes?.map((c) => c.field), ['spec.containers[0].ports[1].containerPort']);
});

const withUnknown = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', unknownMeta: 'x', labels: { a: 'b' } },
  spec: { bogus: { deep: [1, 2] }, containers: [{ name: 'c', image: 'i', unknownNested: 1 }] },
};

test('unknown fields: Strict rejects, Warn warns, Ignore is silent; always dropped', () => {
  const expected = ['unknown field "metadata.unknownMeta"', 'unknown field "spec.bogus"', 'unknown field "spec.containers[0].unknownNested"'];
  const err = decodeError(() => decodeObject(Pod, JSON.stringify(withUnknown), 'Strict'));
  assert.equal(err.message, `Pod in version "v1" cannot be handled as a Pod: strict decoding error: ${expected.join(', ')}`);
  const clean = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  const warn = decodeObject(Pod, JSON.stringify(withUnknown), 'Warn');
  assert.deepEqual(warn.warnings, expected);
  assert.deepEqual(warn.object, clean);
  const ignore = decodeObject(Pod, withUnknown, 'Ignore');
  assert.deepEqual(ignore, { object: clean, warnings: [] });
  assert.equal((withUnknown.spec as Record<string, unknown>).bogus !== undefined, true, 'input not mutated');
});

// Shaped like upstream's field validation integration test, on a StatefulSet.
const dupBody = `{
  "apiVersion": "apps/v1", "kind": "StatefulSet",
  "metadata": { "name": "dupename", "name": "web", "labels": {"app": "nginx"}, "unknownMeta": "metaVal" },
  "spec": {
    "unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2",
    "replicas": 1, "replicas": 2,
    "selector": { "matchLabels": { "app": "nginx" } },
    "template": { "spec": { "containers": [{
      "name": "nginx", "image": "nginx:latest", "unknownNested": "val1",
      "imagePullPolicy": "Always", "imagePullPolicy": "Never" }] } }
  }
}`;
const dupErrors = [
  'duplicate field "metadata.name"', 'unknown field "metadata.unknownMeta"', 'unknown field "spec.unknown1"',
  'unknown field "spec.unknownDupe"', 'duplicate field "spec.replicas"',
  'unknown field "spec.template.spec.containers[0].unknownNested"', 'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
];

test('duplicate fields interleave with unknown ones in document order; last one wins', () => {
  const err = decodeError(() => decodeObject(Sts, dupBody, 'Strict'));
  assert.ok(err.message.endsWith(`strict decoding error: ${dupErrors.join(', ')}`), err.message);
  const warn = decodeObject(Sts, dupBody, 'Warn');
  assert.deepEqual(warn.warnings, dupErrors);
  const ignore = decodeObject(Sts, dupBody, 'Ignore');
  assert.deepEqual(ignore.warnings, []);
  for (const { object } of [warn, ignore]) {
    const o = object as { metadata: { name: string }; spec: { replicas: number; template: { spec: { containers: { imagePullPolicy: string }[] } } } };
    assert.equal(o.metadata.name, 'web');
    assert.equal(o.spec.replicas, 2);
    assert.equal(o.spec.template.spec.containers[0]!.imagePullPolicy, 'Never');
  }
});

test('duplicates: map keys count, repeats report once, raw JSON fields are opaque, escapes decoded', () => {
  const body = '{"metadata":{"labels":{"a":"1","a":"2","a":"3"}},"data":{"\\u0078":"1","x":"2"}}';
  assert.deepEqual(decodeObject(CM, body, 'Warn').warnings, ['duplicate field "metadata.labels.a"', 'duplicate field "data.x"']);
  const rev = '{"revision":1,"data":{"spec":{"a":1,"a":2}}}';
  assert.deepEqual(decodeObject(Rev, rev, 'Strict').warnings, []);
  assert.deepEqual(duplicateFieldErrors('{"spec":{"a":1,"a":2,"t":{"b":[{"c":1,"c":2}]}},"x":[1],"x":2}'),
    ['duplicate field "spec.a"', 'duplicate field "spec.t.b[0].c"', 'duplicate field "x"']);
  // Colons and quotes inside strings are not keys.
  const tricky = '{"metadata":{"name":"a","annotations":{"k":"v: \\"q\\": x","k2":"{\\"a\\":1,\\"a\\":2}"}}}';
  assert.deepEqual(decodeObject(CM, tricky, 'Strict').warnings, []);
});

test('malformed and non-object bodies are 400s that say where', () => {
  const cases: Array<[string, RegExp]> = [
    ['{"apiVersion":"v1",', /json parse error: unexpected end of JSON input at line 1, column 20 \(offset 19\) \(\{"apiVersion":"v1",\)$/],
    ['{\n  "a": 1,\n  "b": }', /invalid character '}' looking for beginning of value at line 3, column 8 \(offset 19\)/],
    ['{"a" 1}', /invalid character '1' after object key at line 1/],
    ['{"a":1 "b":2}', /invalid character '"' after object key:value pair/],
    ['{"a":[1 2]}', /invalid character '2' after array element/],
    ['{"a":tru}', /invalid character '}' in literal true \(expecting 'e'\)/],
    ['{"a":"\\x"}', /invalid character 'x' in string escape code/],
    ['{"a":1}x', /invalid character 'x' after top-level value/],
    ['', /unexpected end of JSON input at line 1, column 1 \(offset 0\) \(<empty>\)$/],
    ['[1,2]', /json: cannot unmarshal array into Go value of type struct \{ APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" \} \(5b312c325d\)$/],
    ['{"kind":5}', /json: cannot unmarshal number into Go struct field \.kind of type string/],
  ];
  for (const [body, re] of cases) {
    const err = decodeError(() => decodeObject(Pod, body, 'Strict'));
    assert.equal(err.code, 400, body);
    assert.match(err.message, /^the object provided is unrecognized \(must be of type Pod\): couldn't get version\/kind; json parse error: /);
    assert.match(err.message, re, body);
  }
});

test('values are normalised as Go re-encodes them', () => {
  const { object } = decodeObject(Pod, {
    metadata: { creationTimestamp: '2024-02-29T23:30:00.123-01:00', labels: { a: null } },
    spec: { containers: [{ name: 'c', resources: { limits: { cpu: 1, memory: '1.5Gi' }, requests: { cpu: '1000m' } } }], nodeName: null },
  }, 'Strict');
  assert.deepEqual(object, {
    metadata: { creationTimestamp: '2024-03-01T00:30:00Z', labels: { a: '' } },
    spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1', memory: '1536Mi' }, requests: { cpu: '1' } } }] },
  });
  const lease = decodeObject(Lease, { spec: { renewTime: '2024-01-01T00:00:00.5Z' } }, 'Strict').object;
  assert.deepEqual(lease.spec, { renewTime: '2024-01-01T00:00:00.500000Z' });
  const proto = decodeObject(CM, '{"data":{"__proto__":"x"},"__proto__":{"polluted":1}}', 'Warn');
  assert.deepEqual(proto.warnings, ['unknown field "__proto__"']);
  assert.equal(Object.getPrototypeOf(proto.object.data), Object.prototype);
  assert.equal((proto.object.data as Record<string, unknown>)['__proto__'], 'x');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const bytes = decodeObject(CM, new TextEncoder().encode('{"data":{"k":"v"},"binaryData":{"b":"aGk=\\n"}}'), 'Strict');
  assert.deepEqual(bytes.object, { data: { k: 'v' }, binaryData: { b: 'aGk=' } });
});

test('big and deep inputs decode or fail cleanly', () => {
  const data: Record<string, string> = {};
  for (let i = 0; i < 20_000; i++) data[`key-${i}`] = `value ${i}: "quoted" {not: json}`;
  data.big = 'x'.repeat(4 << 20);
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data });
  const { object, warnings } = decodeObject(CM, text, 'Strict');
  assert.equal(Object.keys(object.data as object).length, 20_001);
  assert.deepEqual(warnings, []);
  const deep = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  assert.equal(decodeObject(Rev, `{"revision":1,"data":${deep(MAX_DEPTH - 2)}}`, 'Warn').warnings.length, 0);
  // Berth's bound is below Go's 10 000: 2 000 levels already overflowed later stages (a 500).
  for (const [mode, n] of [['Strict', 200_000], ['Ignore', 200_000], ['Warn', 2000], ['Warn', MAX_DEPTH]] as [FieldValidation, number][]) {
    const err = decodeError(() => decodeObject(Rev, `{"revision":1,"data":${deep(n)}}`, mode));
    assert.match(err.message, /json parse error: exceeded max depth \(\{"revision":1,"data":\{"a":\{"a" \.\.\.\)$/);
  }
  // An in-process body (already an object, copied rather than kept) has the same bound.
  for (const n of [MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, 2000]) {
    const fromText = (): unknown => decodeObject(Rev, `{"revision":1,"data":${deep(n)}}`, 'Warn').object;
    const fromObject = (): unknown => decodeObject(Rev, JSON.parse(`{"revision":1,"data":${deep(n)}}`), 'Warn').object;
    let want: unknown;
    try { want = fromText(); } catch (e) { want = (e as Error).message.replace(/ \(.*\)$/, ''); }
    let got: unknown;
    try { got = fromObject(); } catch (e) { got = (e as Error).message.replace(/ \(.*\)$/, ''); }
    assert.deepEqual(got, want, `depth ${n}`);
  }
});

test('YAML bodies: duplicates, syntax errors and YAML 1.1 scalars', () => {
  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n  bogus: 1\ndata:\n  k: yes\n';
  const err = decodeError(() => decodeYamlObject(CM, yaml, 'Strict'));
  // `yes` is a YAML 1.1 bool, as go-yaml v2 reads it: a type error, which wins over strict errors.
  assert.match(err.message, /cannot unmarshal bool into Go struct field ConfigMap\.data of type string$/);
  const ok = decodeYamlObject(CM, yaml.replace('k: yes', 'k: "yes"'), 'Warn');
  assert.deepEqual(ok.warnings, ['duplicate field "metadata.name"', 'unknown field "metadata.bogus"']);
  assert.deepEqual(ok.object.metadata, { name: 'b' });
  const bad = decodeError(() => decodeYamlObject(CM, 'metadata:\n  name: [a\n', 'Strict'));
  assert.match(bad.message, /^error converting YAML to JSON: yaml: line \d+: /);
  const mode = decodeYamlObject(Secret, 'data: {}\nmetadata: {name: s}\n', 'Strict');
  assert.deepEqual(mode.object, { data: {}, metadata: { name: 's' } });
});

test('an in-process body is copied whole: the decoded object shares nothing with the caller\'s', () => {
  const body = {
    apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: 1,
    metadata: { name: 'r', labels: { a: 'b' }, managedFields: [{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } } }] },
    data: { spec: { template: { metadata: { labels: { a: 'b' } } } }, list: [{ x: 1 }] },
  };
  const caller = new Set<object>();
  const collect = (v: unknown, into: Set<object>): void => {
    if (typeof v !== 'object' || v === null) return;
    into.add(v);
    for (const x of Object.values(v)) collect(x, into);
  };
  collect(body, caller);
  const { object } = decodeObject(Rev, body, 'Strict');
  assert.deepEqual(object, body);
  const decoded = new Set<object>();
  collect(object, decoded);
  for (const o of decoded) assert.ok(!caller.has(o), `shares ${JSON.stringify(o)}`);
});
