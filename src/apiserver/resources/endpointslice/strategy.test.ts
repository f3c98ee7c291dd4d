import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorText } from '../../../core/validation/index.js';
import { endpointSliceStrategy as s, type EndpointSliceObject } from './strategy.js';

const slice = (over: Partial<EndpointSliceObject> = {}): EndpointSliceObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
  metadata: { name: 'web-abcde', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
  ports: [{ name: 'http', port: 80 }], ...over,
});

function create(x: EndpointSliceObject): { obj: EndpointSliceObject; errs: string[] } {
  const obj = structuredClone(x);
  s.defaults(obj);
  s.prepareForCreate(obj, { now: new Date() });
  return { obj, errs: s.validate(obj).map(fieldErrorText) };
}

test('ports default to TCP and an empty name', () => {
  const { obj, errs } = create(slice({ ports: [{ port: 53 }] }));
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.ports, [{ port: 53, name: '', protocol: 'TCP' }]);
});

test('address type is required, one of IPv4/IPv6/FQDN, and immutable', () => {
  assert.deepEqual(create(slice({ addressType: '' })).errs, ['addressType: Required value']);
  assert.deepEqual(create(slice({ addressType: 'IP', endpoints: [] })).errs,
    ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']);
  const prev = create(slice()).obj;
  const next = { ...structuredClone(prev), addressType: 'IPv6', endpoints: [{ addresses: ['fd00::1'] }] };
  assert.deepEqual(s.validateUpdate(next, prev).map(fieldErrorText), ['addressType: Invalid value: "IPv6": field is immutable']);
});

test('addresses follow the address type', () => {
  const errs = create(slice({ endpoints: [
    { addresses: [] }, { addresses: ['fd00::1'] }, { addresses: ['127.0.0.1'] },
  ] })).errs;
  assert.deepEqual(errs, [
    'endpoints[0].addresses: Required value: must contain at least 1 address',
    'endpoints[1].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
    'endpoints[2].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
  ]);
  assert.deepEqual(create(slice({ addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com.'] }, { addresses: ['local'] }] })).errs,
    ['endpoints[1].addresses[0]: Invalid value: "local": should be a domain with at least two segments separated by dots']);
  assert.deepEqual(create(slice({ endpoints: [{ addresses: Array.from({ length: 101 }, (_, i) => `10.0.${i}.1`) }] })).errs,
    ['endpoints[0].addresses: Too many: 101: must have at most 100 items']);
  assert.deepEqual(create(slice({ endpoints: Array.from({ length: 1001 }, () => ({ addresses: ['10.0.0.1'] })) })).errs,
    ['endpoints: Too many: 1001: must have at most 1000 items']);
});

test('hostname, nodeName, ports: names unique and DNS labels, protocols known', () => {
  const errs = create(slice({
    endpoints: [{ addresses: ['10.0.0.1'], hostname: 'Web_0', nodeName: 'node_1' }],
    ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }, { name: 'Bad', port: 82, protocol: 'ICMP' }],
  })).errs;
  assert.deepEqual(errs.map((e) => e.split(':')[0] + ':' + e.split(':')[1]), [
    'ports[1].name: Duplicate value', 'ports[2].name: Invalid value', 'ports[2].protocol: Unsupported value',
    'endpoints[0].nodeName: Invalid value', 'endpoints[0].hostname: Invalid value',
  ]);
  assert.ok(errs[0]!.endsWith('"http"'));
  assert.deepEqual(create(slice({ ports: Array.from({ length: 101 }, (_, i) => ({ name: `p${i}`, port: i + 1 })) })).errs,
    ['ports: Too many: 101: must have at most 100 items']);
});

test('deprecatedTopology is dropped on v1 writes; labels changes bump the generation', () => {
  const { obj } = create(slice({ endpoints: [{ addresses: ['10.0.0.1'], deprecatedTopology: { a: 'b' } }] }));
  assert.equal(obj.endpoints[0]!.deprecatedTopology, undefined);
  const prev = { ...obj, metadata: { ...obj.metadata, generation: 1 } };
  const next = structuredClone(prev);
  next.metadata!.labels = { ...next.metadata!.labels, extra: 'x' };
  s.prepareForUpdate(next, prev);
  assert.equal(next.metadata!.generation, 2);
});
