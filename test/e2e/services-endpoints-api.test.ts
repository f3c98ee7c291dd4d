// discovery.k8s.io/v1 EndpointSlice through the stock kubectl: discovery, create/get/table,
// upstream validation messages, explain; and the core v1 Endpoints table.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { KUBECTL_VERSIONS, startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { fails, ok, tableRows, writeManifest } from './helpers.js';

const SLICE = (name: string, addresses: string[], extra = '') => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${name}
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
ports:
- name: http
  port: 80
endpoints:
${addresses.map((a) => `- addresses: ["${a}"]\n  conditions: {ready: true}`).join('\n')}
${extra}`;

for (const version of KUBECTL_VERSIONS) {
  describe(`EndpointSlice API, kubectl 1.${version}`, () => {
    let cluster: TestCluster;
    let k: ReturnType<TestCluster['kubectl']>;
    before(async () => {
      cluster = await startTestCluster();
      k = cluster.kubectl(version);
    });
    after(async () => { await cluster?.stop(); });

    it('is discoverable as discovery.k8s.io/v1 endpointslices, namespaced, no short name', async () => {
      const rows = tableRows(ok(await k(['api-resources', '--api-group=discovery.k8s.io'])));
      assert.deepEqual(rows[1], ['endpointslices', 'discovery.k8s.io/v1', 'true', 'EndpointSlice']);
      assert.match(ok(await k(['api-versions'])), /^discovery\.k8s\.io\/v1$/m);
      assert.match(ok(await k(['explain', 'endpointslice.endpoints.conditions'])), /serving/);
    });

    it('creates slices and prints NAME ADDRESSTYPE PORTS ENDPOINTS AGE', async () => {
      const file = writeManifest(cluster.dir, `slices-${version}.yaml`, [
        SLICE('web-a', ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']),
        'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: empty}\naddressType: IPv6\nendpoints: []\n',
      ].join('---\n'));
      ok(await k(['apply', '-f', file]));
      const rows = tableRows(ok(await k(['get', 'endpointslices'])));
      assert.deepEqual(rows[0], ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
      assert.deepEqual(rows.find((r) => r[0] === 'web-a')!.slice(0, 4), ['web-a', 'IPv4', '80', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...']);
      assert.deepEqual(rows.find((r) => r[0] === 'empty')!.slice(0, 4), ['empty', 'IPv6', '<unset>', '<unset>']);
      const live = parse(ok(await k(['get', 'endpointslice', 'web-a', '-o', 'yaml'])));
      assert.deepEqual(live.ports, [{ name: 'http', port: 80, protocol: 'TCP' }], 'protocol defaults to TCP');
      assert.equal(live.metadata.generation, 1);
      assert.deepEqual(tableRows(ok(await k(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'name']))),
        [['endpointslice.discovery.k8s.io/web-a']]);
    });

    it('rejects what upstream rejects, with its messages', async () => {
      const bad = writeManifest(cluster.dir, `bad-${version}.yaml`, SLICE('bad', ['fd00::1', '127.0.0.1']));
      const err = fails(await k(['create', '-f', bad]));
      assert.match(err, /The EndpointSlice "bad" is invalid/);
      assert.match(err, /endpoints\[0\]\.addresses\[0\]: Invalid value: "fd00::1": must be a valid IPv4 address/);
      assert.match(err, /endpoints\[1\]\.addresses\[0\]: Invalid value: "127\.0\.0\.1": may not be in the loopback range/);
      const immutable = fails(await k(['patch', 'endpointslice', 'web-a', '--type=merge', '-p', '{"addressType":"FQDN","endpoints":[]}']));
      assert.match(immutable, /addressType: Invalid value: "FQDN": field is immutable/);
    });

    it('prints core v1 Endpoints as NAME ENDPOINTS AGE', async () => {
      const file = writeManifest(cluster.dir, `ep-${version}.yaml`, `apiVersion: v1
kind: Endpoints
metadata: {name: manual}
subsets:
- addresses: [{ip: 10.0.0.9}, {ip: 10.0.0.8}]
  ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53}]
`);
      ok(await k(['apply', '-f', file]));
      const rows = tableRows(ok(await k(['get', 'ep', 'manual'])));
      assert.deepEqual(rows[0], ['NAME', 'ENDPOINTS', 'AGE']);
      assert.deepEqual(rows[1]!.slice(0, 2), ['manual', '10.0.0.9:53,10.0.0.8:53,10.0.0.9:53 + 1 more...']);
    });
  });
}
