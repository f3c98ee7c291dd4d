import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorText } from '../../../core/validation/index.js';
import { serviceStrategy as s, type ServiceObject } from './strategy.js';

const svc = (spec: ServiceObject['spec']): ServiceObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx', namespace: 'default' }, spec });

function create(x: ServiceObject, allocate?: string): { obj: ServiceObject; errs: string[] } {
  const obj = structuredClone(x);
  s.defaults(obj);
  s.prepareForCreate(obj, { now: new Date() });
  if (allocate && !obj.spec!.clusterIP) { obj.spec!.clusterIP = allocate; obj.spec!.clusterIPs = [allocate]; }
  return { obj, errs: s.validate(obj).map(fieldErrorText) };
}

test('ClusterIP service defaults', () => {
  const { obj, errs } = create(svc({ selector: { app: 'nginx' }, ports: [{ port: 80 }] }), '10.96.0.10');
  assert.deepEqual(errs, []);
  const spec = obj.spec!;
  assert.equal(spec.type, 'ClusterIP');
  assert.equal(spec.sessionAffinity, 'None');
  assert.equal(spec.internalTrafficPolicy, 'Cluster');
  assert.deepEqual(spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  assert.equal(spec.ipFamilyPolicy, 'SingleStack');
  assert.deepEqual(spec.ipFamilies, ['IPv4']);
  assert.deepEqual(obj.status, { loadBalancer: {} });
});

test('headless service (clusterIP: None) needs no ports', () => {
  const { obj, errs } = create(svc({ clusterIP: 'None', selector: { app: 'nginx' } }));
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec!.clusterIPs, ['None']);
});

test('service reject paths', () => {
  const cases: Array<[string, ServiceObject['spec'], string[]]> = [
    ['no ports', { selector: { app: 'x' } }, ['spec.ports: Required value']],
    ['unnamed ports', { ports: [{ port: 80 }, { port: 443 }] }, ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']],
    ['duplicate port', { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] },
      ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}']],
    ['bad type', { type: 'Magic', ports: [{ port: 80 }] },
      ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    ['nodePort on ClusterIP', { ports: [{ port: 80, nodePort: 30080 }] }, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    ['port 0', { ports: [{ port: 0 }] }, ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['bad selector', { selector: { 'a b': 'x' }, ports: [{ port: 80 }] },
      ["spec.selector: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]],
  ];
  for (const [name, spec, want] of cases) assert.deepEqual(create(svc(spec), '10.96.0.10').errs, want, name);
  const bad = svc({ ports: [{ port: 80 }] });
  bad.metadata!.name = '1nginx';
  assert.match(create(bad, '10.96.0.10').errs[0], /^metadata\.name: Invalid value: "1nginx": a DNS-1035 label must consist of/);
});

test('clusterIP may not change; omitted allocated values are kept', () => {
  const { obj: prev } = create(svc({ selector: { app: 'nginx' }, ports: [{ port: 80 }] }), '10.96.0.10');
  const replaced = structuredClone(prev);
  delete replaced.spec!.clusterIP;
  delete replaced.spec!.clusterIPs;
  delete replaced.spec!.ipFamilies;
  s.defaults(replaced);
  s.prepareForUpdate(replaced, prev);
  assert.equal(replaced.spec!.clusterIP, '10.96.0.10');
  assert.deepEqual(s.validateUpdate(replaced, prev), []);
  const moved = structuredClone(prev);
  moved.spec!.clusterIP = '10.96.0.11';
  s.prepareForUpdate(moved, prev);
  assert.deepEqual(s.validateUpdate(moved, prev).map(fieldErrorText),
    ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
});
