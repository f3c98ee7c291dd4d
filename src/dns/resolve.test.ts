import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Answer } from 'dns-packet';
import { DnsState, SERVICE_NAME_LABEL } from './state.js';
import { resolve, type Reply, type ResolverConfig } from './resolve.js';
import { addressFromDashed, addressFromReverse, normalizeIP } from './names.js';

const CFG: ResolverConfig = { zone: 'cluster.local', ttl: 30, nameservers: ['10.96.0.10'] };

function svc(name: string, spec: Service['spec'], namespace = 'default'): Service {
  return { metadata: { name, namespace }, spec };
}

type Ep = { ip: string | string[]; hostname?: string; ready?: boolean };
function slice(name: string, service: string, eps: Ep[], ports: { name?: string; port: number; protocol?: string }[] = [],
  addressType = 'IPv4', namespace = 'default'): EndpointSlice {
  return {
    addressType,
    metadata: { name, namespace, labels: { [SERVICE_NAME_LABEL]: service } },
    ports,
    endpoints: eps.map((e) => ({
      addresses: Array.isArray(e.ip) ? e.ip : [e.ip], hostname: e.hostname,
      conditions: e.ready === undefined ? {} : { ready: e.ready },
    })),
  };
}

/** A synced state with the StatefulSet example: headless `nginx` with web-0/web-1, plus friends. */
function world(): DnsState {
  const s = new DnsState();
  s.applyService({ new: svc('kubernetes', { clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }) });
  s.applyService({ new: svc('nginx', { clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'web', port: 80, protocol: 'TCP' }] }) });
  s.applyService({ new: svc('web', { clusterIP: '10.96.7.7', ports: [{ name: 'http', port: 80 }, { port: 8080 }] }) });
  s.applyService({ new: svc('ext', { type: 'ExternalName', externalName: 'www.example.com.' }) });
  s.applyService({ new: svc('empty', { clusterIP: 'None', ports: [{ name: 'x', port: 1 }] }) });
  s.applyEndpointSlice({
    new: slice('nginx-abc', 'nginx', [
      { ip: '10.244.0.5', hostname: 'web-0', ready: true },
      { ip: '10.244.0.6', hostname: 'web-1' },
      { ip: '10.244.0.9', hostname: 'web-2', ready: false },
      { ip: '10.244.0.7' },
    ], [{ name: 'web', port: 80, protocol: 'TCP' }]),
  });
  s.applyEndpointSlice({ new: slice('web-1', 'web', [{ ip: '10.244.1.1', hostname: 'a' }], [{ name: 'http', port: 80 }]) });
  s.markSynced();
  return s;
}

function answer(state: DnsState, name: string, type: string): Reply {
  const r = resolve({ name, type }, state, CFG);
  assert.equal(r.kind, 'reply', `${name} ${type} should be answered from the zone`);
  return (r as { reply: Reply }).reply;
}

const data = (as: Answer[]) => as.map((a) => (a as { data: unknown }).data);
const sortedData = (as: Answer[]) => data(as).map((d) => JSON.stringify(d)).sort();

test('a ClusterIP Service is an A record of its cluster IP, with the configured TTL, authoritative', () => {
  const r = answer(world(), 'kubernetes.default.svc.cluster.local', 'A');
  assert.equal(r.rcode, 'NOERROR');
  assert.equal(r.authoritative, true);
  assert.deepEqual(r.answers, [{ type: 'A', name: 'kubernetes.default.svc.cluster.local', ttl: 30, class: 'IN', data: '10.96.0.1' }]);
});

test('names are case-insensitive and answers keep the case the question was asked in', () => {
  const r = answer(world(), 'KuBeRnEtEs.Default.SVC.Cluster.Local.', 'A');
  assert.equal(r.answers[0].name, 'KuBeRnEtEs.Default.SVC.Cluster.Local.');
  assert.deepEqual(data(r.answers), ['10.96.0.1']);
});

test('a headless Service answers with its ready endpoints; ready unset counts as ready, ready=false does not', () => {
  const r = answer(world(), 'nginx.default.svc.cluster.local', 'A');
  assert.deepEqual(data(r.answers).sort(), ['10.244.0.5', '10.244.0.6', '10.244.0.7']);
});

test('publishNotReadyAddresses serves not-ready endpoints too', () => {
  const s = world();
  s.applyService({ new: svc('nginx', { clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'web', port: 80 }] }) });
  assert.deepEqual(data(answer(s, 'nginx.default.svc.cluster.local', 'A').answers).sort(), ['10.244.0.5', '10.244.0.6', '10.244.0.7', '10.244.0.9']);
  assert.deepEqual(data(answer(s, 'web-2.nginx.default.svc.cluster.local', 'A').answers), ['10.244.0.9']);
});

test('the StatefulSet identity: <hostname>.<svc>.<ns>.svc.<zone>; endpoints without a hostname go by dashed address', () => {
  const s = world();
  assert.deepEqual(data(answer(s, 'web-0.nginx.default.svc.cluster.local', 'A').answers), ['10.244.0.5']);
  assert.deepEqual(data(answer(s, 'web-1.nginx.default.svc.cluster.local', 'A').answers), ['10.244.0.6']);
  assert.deepEqual(data(answer(s, '10-244-0-7.nginx.default.svc.cluster.local', 'A').answers), ['10.244.0.7']);
  // Not ready: as if it were not there.
  const r = answer(s, 'web-2.nginx.default.svc.cluster.local', 'A');
  assert.equal(r.rcode, 'NXDOMAIN');
  // Endpoint names work for ClusterIP Services as well (CoreDNS).
  assert.deepEqual(data(answer(s, 'a.web.default.svc.cluster.local', 'A').answers), ['10.244.1.1']);
});

test('a headless Service without ready endpoints does not exist (spec 2.4.1: NXDOMAIN)', () => {
  const r = answer(world(), 'empty.default.svc.cluster.local', 'A');
  assert.equal(r.rcode, 'NXDOMAIN');
});

test('NXDOMAIN carries the zone SOA in authority as CoreDNS builds it', () => {
  const s = world();
  const r = answer(s, 'nope.default.svc.cluster.local', 'A');
  assert.equal(r.rcode, 'NXDOMAIN');
  assert.equal(r.authoritative, true);
  assert.deepEqual(r.answers, []);
  assert.deepEqual(r.authorities, [{
    type: 'SOA', name: 'cluster.local', ttl: 30, class: 'IN',
    data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: s.serial, refresh: 7200, retry: 1800, expire: 86400, minimum: 30 },
  }]);
  for (const name of ['x.cluster.local', 'a.b.c.d.default.svc.cluster.local', 'web.other.svc.cluster.local', 'foo.default.pod.cluster.local']) {
    assert.equal(answer(s, name, 'A').rcode, 'NXDOMAIN', name);
  }
});

test('AAAA for an IPv4-only name is NODATA: NOERROR, no answers, SOA in authority', () => {
  for (const name of ['kubernetes.default.svc.cluster.local', 'nginx.default.svc.cluster.local', 'web-0.nginx.default.svc.cluster.local']) {
    const r = answer(world(), name, 'AAAA');
    assert.equal(r.rcode, 'NOERROR', name);
    assert.deepEqual(r.answers, [], name);
    assert.equal(r.authorities[0]?.type, 'SOA', name);
  }
  // Other types on existing names, and names that exist without records of their own, too.
  assert.equal(answer(world(), 'kubernetes.default.svc.cluster.local', 'MX').rcode, 'NOERROR');
  for (const name of ['cluster.local', 'svc.cluster.local', 'default.svc.cluster.local', 'anything.svc.cluster.local']) {
    const r = answer(world(), name, 'A');
    assert.equal(r.rcode, 'NOERROR', name);
    assert.deepEqual(r.answers, [], name);
  }
});

test('IPv6 Services and endpoints answer AAAA and are NODATA for A', () => {
  const s = world();
  s.applyService({ new: svc('v6', { clusterIP: 'fd00:10:96::a', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }) });
  s.applyService({ new: svc('h6', { clusterIP: 'None', ports: [{ name: 'p', port: 1 }] }) });
  s.applyEndpointSlice({ new: slice('h6-x', 'h6', [{ ip: 'FD00:0:0::5', hostname: 'h' }], [{ name: 'p', port: 1 }], 'IPv6') });
  assert.deepEqual(data(answer(s, 'v6.default.svc.cluster.local', 'AAAA').answers), ['fd00:10:96::a']);
  assert.deepEqual(answer(s, 'v6.default.svc.cluster.local', 'A').answers, []);
  assert.deepEqual(data(answer(s, 'h.h6.default.svc.cluster.local', 'AAAA').answers), ['fd00::5']);
  const ptr = resolve({ name: `${'5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0'}.0.0.d.f.ip6.arpa`, type: 'PTR' }, s, CFG);
  assert.equal(ptr.kind, 'reply');
  assert.deepEqual(data((ptr as { reply: Reply }).reply.answers), ['h.h6.default.svc.cluster.local']);
});

test('SRV for a named port of a ClusterIP Service points at the Service name, its A record in additional', () => {
  const r = answer(world(), '_https._tcp.kubernetes.default.svc.cluster.local', 'SRV');
  assert.deepEqual(data(r.answers), [{ priority: 0, weight: 100, port: 443, target: 'kubernetes.default.svc.cluster.local' }]);
  assert.deepEqual(r.additionals.map((a) => [a.name, a.type, (a as { data: unknown }).data]), [['kubernetes.default.svc.cluster.local', 'A', '10.96.0.1']]);
  // Port and protocol compare without case; wrong protocol or port name: NXDOMAIN.
  assert.equal(answer(world(), '_HTTPS._TCP.kubernetes.default.svc.cluster.local', 'SRV').answers.length, 1);
  assert.equal(answer(world(), '_https._udp.kubernetes.default.svc.cluster.local', 'SRV').rcode, 'NXDOMAIN');
  assert.equal(answer(world(), '_nope._tcp.kubernetes.default.svc.cluster.local', 'SRV').rcode, 'NXDOMAIN');
});

test('SRV for a headless Service: one record per ready endpoint, targets are the per-endpoint names', () => {
  const r = answer(world(), '_web._tcp.nginx.default.svc.cluster.local', 'SRV');
  assert.deepEqual(sortedData(r.answers), [
    { priority: 0, weight: 33, port: 80, target: '10-244-0-7.nginx.default.svc.cluster.local' },
    { priority: 0, weight: 33, port: 80, target: 'web-0.nginx.default.svc.cluster.local' },
    { priority: 0, weight: 33, port: 80, target: 'web-1.nginx.default.svc.cluster.local' },
  ].map((d) => JSON.stringify(d)).sort());
  assert.deepEqual(r.additionals.map((a) => `${a.name} ${(a as { data: string }).data}`).sort(), [
    '10-244-0-7.nginx.default.svc.cluster.local 10.244.0.7',
    'web-0.nginx.default.svc.cluster.local 10.244.0.5',
    'web-1.nginx.default.svc.cluster.local 10.244.0.6',
  ]);
});

test('a dual-stack Service: A and AAAA each get their family, SRV additional carries both addresses', () => {
  const s = world();
  s.applyService({ new: svc('dual', { clusterIP: '10.96.9.9', clusterIPs: ['10.96.9.9', 'fd00:10:96::9'], ports: [{ name: 'http', port: 80 }] }) });
  assert.deepEqual(data(answer(s, 'dual.default.svc.cluster.local', 'A').answers), ['10.96.9.9']);
  assert.deepEqual(data(answer(s, 'dual.default.svc.cluster.local', 'AAAA').answers), ['fd00:10:96::9']);
  const srv = answer(s, '_http._tcp.dual.default.svc.cluster.local', 'SRV');
  assert.equal(srv.answers.length, 1);
  assert.deepEqual(srv.additionals.map((a) => a.type).sort(), ['A', 'AAAA']);
});

test('SRV for the bare Service name lists every port; unnamed ports are only there', () => {
  const r = answer(world(), 'web.default.svc.cluster.local', 'SRV');
  assert.deepEqual(data(r.answers).map((d) => (d as { port: number }).port).sort(), [80, 8080]);
});

test('ExternalName is a CNAME to its target, which the server goes on to resolve', () => {
  const r = answer(world(), 'ext.default.svc.cluster.local', 'A');
  assert.deepEqual(r.answers, [{ type: 'CNAME', name: 'ext.default.svc.cluster.local', ttl: 30, class: 'IN', data: 'www.example.com' }]);
  assert.equal(r.chase, 'www.example.com');
  assert.equal(answer(world(), 'ext.default.svc.cluster.local', 'CNAME').answers.length, 1);
  assert.equal(answer(world(), 'x.ext.default.svc.cluster.local', 'A').rcode, 'NXDOMAIN');
});

test('pod records (pods insecure): <a-b-c-d>.<ns>.pod.<zone> is that address', () => {
  assert.deepEqual(data(answer(world(), '10-244-3-4.anyns.pod.cluster.local', 'A').answers), ['10.244.3.4']);
  assert.deepEqual(data(answer(world(), 'fd00--1.default.pod.cluster.local', 'AAAA').answers), ['fd00::1']);
  assert.equal(answer(world(), '10-244-3-999.default.pod.cluster.local', 'A').rcode, 'NXDOMAIN');
});

test('PTR for cluster IPs and endpoint addresses; unknown addresses go upstream, NXDOMAIN with no upstream', () => {
  const s = world();
  const ptr = (name: string) => resolve({ name, type: 'PTR' }, s, CFG);
  const r1 = ptr('1.0.96.10.in-addr.arpa');
  assert.deepEqual(r1.kind === 'reply' && data(r1.reply.answers), ['kubernetes.default.svc.cluster.local']);
  const r2 = ptr('5.0.244.10.IN-ADDR.ARPA.');
  assert.deepEqual(r2.kind === 'reply' && data(r2.reply.answers), ['web-0.nginx.default.svc.cluster.local']);
  const r3 = ptr('7.0.244.10.in-addr.arpa');
  assert.deepEqual(r3.kind === 'reply' && data(r3.reply.answers), ['10-244-0-7.nginx.default.svc.cluster.local']);
  // A not-ready endpoint has no PTR.
  const r4 = ptr('9.0.244.10.in-addr.arpa');
  assert.equal(r4.kind, 'forward');
  assert.equal(r4.kind === 'forward' && r4.fallback.rcode, 'NXDOMAIN');
  assert.equal(r4.kind === 'forward' && r4.fallback.authorities[0].name, 'in-addr.arpa');
});

test('names outside the zone are forwarded; REFUSED when there is nowhere to forward', () => {
  const r = resolve({ name: 'example.com', type: 'A' }, world(), CFG);
  assert.equal(r.kind, 'forward');
  assert.equal(r.kind === 'forward' && r.fallback.rcode, 'REFUSED');
  // A zone that only looks like ours is not ours.
  assert.equal(resolve({ name: 'xcluster.local', type: 'A' }, world(), CFG).kind, 'forward');
});

test('zone apex: SOA and NS (ns.dns.<zone> with its address); dns-version TXT', () => {
  const s = world();
  const soa = answer(s, 'cluster.local', 'SOA');
  assert.equal(soa.answers[0].type, 'SOA');
  const ns = answer(s, 'cluster.local', 'NS');
  assert.deepEqual(data(ns.answers), ['ns.dns.cluster.local']);
  assert.deepEqual(data(ns.additionals), ['10.96.0.10']);
  assert.deepEqual(data(answer(s, 'ns.dns.cluster.local', 'A').answers), ['10.96.0.10']);
  const txt = answer(s, 'dns-version.cluster.local', 'TXT');
  assert.deepEqual(txt.answers, [{ type: 'TXT', name: 'dns-version.cluster.local', ttl: 28800, class: 'IN', data: '1.1.0' }]);
});

test('a configurable zone', () => {
  const cfg = { ...CFG, zone: 'berth.internal' };
  const r = resolve({ name: 'kubernetes.default.svc.berth.internal', type: 'A' }, world(), cfg);
  assert.deepEqual(r.kind === 'reply' && data(r.reply.answers), ['10.96.0.1']);
  assert.equal(resolve({ name: 'kubernetes.default.svc.cluster.local', type: 'A' }, world(), cfg).kind, 'forward');
});

test('changes apply: updates replace, deletes remove, and reverse indexes follow', () => {
  const s = world();
  const old = svc('web', { clusterIP: '10.96.7.7', ports: [{ name: 'http', port: 80 }] });
  s.applyService({ old, new: svc('web', { clusterIP: '10.96.7.8', ports: [{ name: 'http', port: 80 }] }) });
  assert.deepEqual(data(answer(s, 'web.default.svc.cluster.local', 'A').answers), ['10.96.7.8']);
  assert.equal(resolve({ name: '7.7.96.10.in-addr.arpa', type: 'PTR' }, s, CFG).kind, 'forward');
  // web-0 recreated with a new address: the slice changes and the name follows.
  const before = slice('nginx-abc', 'nginx', [{ ip: '10.244.0.5', hostname: 'web-0' }], [{ name: 'web', port: 80 }]);
  s.applyEndpointSlice({ old: before, new: slice('nginx-abc', 'nginx', [{ ip: '10.244.0.50', hostname: 'web-0' }], [{ name: 'web', port: 80 }]) });
  assert.deepEqual(data(answer(s, 'web-0.nginx.default.svc.cluster.local', 'A').answers), ['10.244.0.50']);
  assert.equal(resolve({ name: '5.0.244.10.in-addr.arpa', type: 'PTR' }, s, CFG).kind, 'forward');
  s.applyEndpointSlice({ old: before });
  assert.equal(answer(s, 'nginx.default.svc.cluster.local', 'A').rcode, 'NXDOMAIN');
  s.applyService({ old: svc('kubernetes', {}) });
  assert.equal(answer(s, 'kubernetes.default.svc.cluster.local', 'A').rcode, 'NXDOMAIN');
});

test('endpoints split across several slices are all served', () => {
  const s = world();
  s.applyEndpointSlice({ new: slice('nginx-def', 'nginx', [{ ip: '10.244.0.8', hostname: 'web-3' }], [{ name: 'web', port: 80 }]) });
  assert.equal(answer(s, 'nginx.default.svc.cluster.local', 'A').answers.length, 4);
  assert.deepEqual(data(answer(s, 'web-3.nginx.default.svc.cluster.local', 'A').answers), ['10.244.0.8']);
});

test('before the informers have synced, names in the zone are SERVFAIL, not a cacheable NXDOMAIN', () => {
  const r = resolve({ name: 'kubernetes.default.svc.cluster.local', type: 'A' }, new DnsState(), CFG);
  assert.equal(r.kind === 'reply' && r.reply.rcode, 'SERVFAIL');
});

test('address spellings: reverse names, dashed labels, IPv6 normal form', () => {
  assert.equal(addressFromReverse('4.3.2.1.in-addr.arpa'), '1.2.3.4');
  assert.equal(addressFromReverse('4.3.2.in-addr.arpa'), undefined);
  assert.equal(addressFromReverse('256.3.2.1.in-addr.arpa'), undefined);
  assert.equal(addressFromReverse('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa'), 'fd00::1');
  assert.equal(addressFromDashed('1-2-3-4'), '1.2.3.4');
  assert.equal(addressFromDashed('fd00--1'), 'fd00::1');
  assert.equal(addressFromDashed('web-0'), undefined);
  assert.equal(normalizeIP('FD00:0:0:0::0001'), 'fd00::1');
});
