import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointsObject } from './endpoints-controller.js';
import { MAX_MIRRORED_PER_SUBSET, mirroredGroups } from './mirroring-controller.js';

const ep = (subsets: EndpointsObject['subsets']): EndpointsObject => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'dns', namespace: 'ns', uid: 'u' }, subsets });

test('mirroring groups addresses by address type and port set, ready or not', () => {
  const groups = mirroredGroups(ep([
    { addresses: [{ ip: '10.0.0.1', hostname: 'a', nodeName: 'n1' }, { ip: 'fd00::1' }], notReadyAddresses: [{ ip: '10.0.0.2' }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
    { addresses: [{ ip: '10.0.0.3' }, { ip: 'not-an-ip' }], ports: [{ port: 8080 }] },
  ]));
  assert.deepEqual([...groups.keys()].sort(), ['IPv4', 'IPv6']);
  const v4 = [...groups.get('IPv4')!.values()].map((g) => [g.ports, [...g.endpoints.values()]]);
  assert.deepEqual(v4.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), [
    [[{ name: '', port: 8080, protocol: 'TCP' }], [{ addresses: ['10.0.0.3'], conditions: { ready: true } }]],
    [[{ name: 'dns', port: 53, protocol: 'UDP' }], [
      { addresses: ['10.0.0.1'], conditions: { ready: true }, hostname: 'a', nodeName: 'n1' }, { addresses: ['10.0.0.2'], conditions: { ready: false } },
    ]],
  ]);
  assert.deepEqual([...groups.get('IPv6')!.values()][0]!.endpoints.size, 1);
  assert.equal(mirroredGroups(ep([])).size, 0);
});

test(`at most ${MAX_MIRRORED_PER_SUBSET} addresses of a subset are mirrored`, () => {
  const addresses = Array.from({ length: MAX_MIRRORED_PER_SUBSET + 5 }, (_, i) => ({ ip: `10.1.${i >> 8}.${i & 255}` }));
  const groups = mirroredGroups(ep([{ addresses, ports: [{ port: 80, protocol: 'TCP' }] }]));
  assert.equal([...groups.get('IPv4')!.values()][0]!.endpoints.size, MAX_MIRRORED_PER_SUBSET);
});
