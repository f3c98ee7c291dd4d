// Cluster DNS against a real API server: Services and EndpointSlices created with the real
// kubectl, records read over real UDP and TCP from the clusterDns component, following changes
// (a recreated StatefulSet pod with a new address, an endpoint that stops being ready, a
// deleted Service). EndpointSlices are written by hand so this does not depend on a controller.
// Names outside the zone go to a fake upstream on 127.0.0.1, never a real resolver.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clusterDns, type ClusterDns } from '../../src/dns/index.js';
import { FakeUpstream } from '../../src/dns/testing/upstream.js';
import { dataOf, query, question, rcodeOf } from '../../src/dns/testing/query.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { eventually, ok, writeManifest } from './helpers.js';

const HOST = '127.0.0.1';

const SERVICES = `
apiVersion: v1
kind: Service
metadata: { name: nginx, namespace: default }
spec:
  clusterIP: None
  selector: { app: nginx }
  ports: [{ name: web, port: 80 }]
---
apiVersion: v1
kind: Service
metadata: { name: front, namespace: default }
spec:
  selector: { app: nginx }
  ports: [{ name: http, port: 8080, targetPort: 80 }]
---
apiVersion: v1
kind: Service
metadata: { name: ext, namespace: default }
spec:
  type: ExternalName
  externalName: www.example.com
`;

function slice(web0: string, web1Ready: boolean): string {
  return `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: nginx-abcde
  namespace: default
  labels: { kubernetes.io/service-name: nginx }
addressType: IPv4
ports: [{ name: web, port: 80, protocol: TCP }]
endpoints:
- addresses: ["${web0}"]
  hostname: web-0
  conditions: { ready: true }
  targetRef: { kind: Pod, name: web-0, namespace: default }
- addresses: ["10.244.0.6"]
  hostname: web-1
  conditions: { ready: ${web1Ready} }
  targetRef: { kind: Pod, name: web-1, namespace: default }
`;
}

describe('cluster DNS served from the API', () => {
  let upstream: FakeUpstream;
  let dns: ClusterDns;
  let cluster: TestCluster;
  let k: ReturnType<TestCluster['kubectl']>;
  let port: number;
  let id = 1;
  const ask = (name: string, type = 'A', transport: 'udp' | 'tcp' = 'udp') => query(HOST, port, question(id++, name, type), transport);

  before(async () => {
    upstream = new FakeUpstream(HOST);
    await upstream.start();
    dns = clusterDns({ listen: { host: HOST, port: 0 }, upstreams: [`${HOST}:${upstream.port}`] });
    cluster = await startTestCluster({ components: [dns] });
    k = cluster.kubectl();
    port = (await dns.listening()).port;
  });
  after(async () => {
    await cluster?.stop();
    await upstream?.stop();
  });

  it('answers for Services and the StatefulSet identities kubectl created, over UDP and TCP', async () => {
    ok(await k(['apply', '-f', writeManifest(cluster.dir, 'services.yaml', SERVICES)]), 'apply services');
    ok(await k(['apply', '-f', writeManifest(cluster.dir, 'slice.yaml', slice('10.244.0.5', true))]), 'apply slice');
    const clusterIP = ok(await k(['get', 'svc', 'front', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    assert.match(clusterIP, /^\d+\.\d+\.\d+\.\d+$/);

    await eventually(async () => dataOf(await ask('web-0.nginx.default.svc.cluster.local')).join() === '10.244.0.5', 'web-0 in DNS');
    assert.deepEqual(dataOf(await ask('nginx.default.svc.cluster.local')), ['10.244.0.5', '10.244.0.6']);
    assert.deepEqual(dataOf(await ask('front.default.svc.cluster.local', 'A', 'tcp')), [clusterIP]);
    assert.deepEqual(dataOf(await ask('kubernetes.default.svc.cluster.local')).length, 1, 'the bootstrap kubernetes Service');

    const srv = await ask('_web._tcp.nginx.default.svc.cluster.local', 'SRV', 'tcp');
    assert.deepEqual(dataOf(srv, 'SRV').map((d) => JSON.parse(d).target),
      ['web-0.nginx.default.svc.cluster.local', 'web-1.nginx.default.svc.cluster.local']);
    assert.deepEqual(dataOf(srv, 'A', 'additionals'), ['10.244.0.5', '10.244.0.6']);

    const ptr = await ask(`${clusterIP.split('.').reverse().join('.')}.in-addr.arpa`, 'PTR');
    assert.deepEqual(dataOf(ptr, 'PTR'), ['front.default.svc.cluster.local']);
    assert.deepEqual(dataOf(await ask('5.0.244.10.in-addr.arpa', 'PTR'), 'PTR'), ['web-0.nginx.default.svc.cluster.local']);

    const aaaa = await ask('web-0.nginx.default.svc.cluster.local', 'AAAA');
    assert.equal(rcodeOf(aaaa), 'NOERROR');
    assert.deepEqual(aaaa.answers, []);
    const missing = await ask('web-9.nginx.default.svc.cluster.local');
    assert.equal(rcodeOf(missing), 'NXDOMAIN');
    assert.equal(missing.authorities?.[0]?.type, 'SOA');
  });

  it('follows changes: web-0 recreated with a new address, web-1 not ready, a Service deleted', async () => {
    ok(await k(['apply', '-f', writeManifest(cluster.dir, 'slice.yaml', slice('10.244.0.15', false))]), 'apply slice');
    await eventually(async () => dataOf(await ask('web-0.nginx.default.svc.cluster.local')).join() === '10.244.0.15', 'web-0 moved');
    assert.deepEqual(dataOf(await ask('nginx.default.svc.cluster.local')), ['10.244.0.15']);
    assert.equal(rcodeOf(await ask('web-1.nginx.default.svc.cluster.local')), 'NXDOMAIN');

    ok(await k(['delete', 'svc', 'front']), 'delete front');
    await eventually(async () => rcodeOf(await ask('front.default.svc.cluster.local')) === 'NXDOMAIN', 'front gone');
  });

  it('forwards other names to the upstream and resolves ExternalName targets through it', async () => {
    assert.deepEqual(dataOf(await ask('example.com')), ['192.0.2.10']);
    const ext = await ask('ext.default.svc.cluster.local');
    assert.deepEqual(dataOf(ext, 'CNAME'), ['www.example.com']);
    assert.deepEqual(dataOf(ext), ['192.0.2.10']);
  });
});
