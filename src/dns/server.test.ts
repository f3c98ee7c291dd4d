// The wire: real UDP and TCP sockets on 127.0.0.1, a fake upstream resolver on 127.0.0.1
// (never a real one).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import { Registry } from 'prom-client';
import type { Service } from 'kubernetes-types/core/v1.js';
import { DnsState, SERVICE_NAME_LABEL } from './state.js';
import { startDnsServer, type RunningDnsServer } from './server.js';
import { Forwarder, parseResolvConf, parseUpstream } from './forward.js';
import { FakeUpstream } from './testing/upstream.js';
import { query, question, rcodeOf, tcpExchange, udpExchange as udpExchangeAt } from './testing/query.js';

const ZONE = 'cluster.local';
const HOST = '127.0.0.1';
const BIG = 60;   // endpoints of the `big` headless Service: more than 512 bytes of answers, less than 4096

function world(): DnsState {
  const s = new DnsState();
  const svc = (name: string, spec: Service['spec']): Service => ({ metadata: { name, namespace: 'default' }, spec });
  s.applyService({ new: svc('kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] }) });
  s.applyService({ new: svc('big', { clusterIP: 'None', ports: [{ name: 'p', port: 7 }] }) });
  s.applyService({ new: svc('ext', { type: 'ExternalName', externalName: 'www.example.com' }) });
  s.applyEndpointSlice({
    new: {
      addressType: 'IPv4', metadata: { name: 'big-1', namespace: 'default', labels: { [SERVICE_NAME_LABEL]: 'big' } },
      ports: [{ name: 'p', port: 7 }],
      endpoints: Array.from({ length: BIG }, (_, i) => ({ addresses: [`10.244.1.${i + 1}`], hostname: `big-${i}` })),
    },
  });
  s.markSynced();
  return s;
}

const udpExchange = (port: number, msgs: Buffer[], ids: number[]) => udpExchangeAt(HOST, port, msgs, ids);
const tcpRaw = (port: number, msgs: Buffer[]) => tcpExchange(HOST, port, msgs);
const udp = (port: number, p: Packet) => query(HOST, port, p);
/** Pipelined on one connection; replies in arrival order. */
const tcp = (port: number, ps: Packet[]) => tcpExchange(HOST, port, ps.map((p) => dnsPacket.encode(p)), true);
const q = question;
const edns = (udpPayloadSize: number, ednsVersion = 0): Partial<Packet> =>
  ({ additionals: [{ type: 'OPT', name: '.', udpPayloadSize, extendedRcode: 0, ednsVersion, flags: 0, flag_do: false, options: [] }] });
const addrs = (as: Answer[] | undefined) => (as ?? []).filter((a) => a.type === 'A').map((a) => (a as { data: string }).data).sort();

let upstream: FakeUpstream;
let server: RunningDnsServer;
let noForward: RunningDnsServer;
let deadUpstream: RunningDnsServer;
const metrics = new Registry();

before(async () => {
  upstream = new FakeUpstream(HOST);
  await upstream.start();
  const config = { zone: ZONE, ttl: 30 };
  server = await startDnsServer({
    host: HOST, port: 0, state: world(), config, metrics,
    forwarder: new Forwarder([{ host: HOST, port: upstream.port }], { timeoutMs: 2000 }),
  });
  noForward = await startDnsServer({ host: HOST, port: 0, state: world(), config });
  // An upstream where nothing listens: the query is refused at once (ICMP / RST on loopback).
  const free = await startDnsServer({ host: HOST, port: 0, state: world(), config });
  const freePort = free.port;
  await free.close();
  deadUpstream = await startDnsServer({
    host: HOST, port: 0, state: world(), config, forwarder: new Forwarder([{ host: HOST, port: freePort }], { timeoutMs: 2000 }),
  });
});

after(async () => {
  await server?.close();
  await noForward?.close();
  await deadUpstream?.close();
  await upstream?.stop();
});

test('UDP: a Service name answers with its cluster IP; ID, RD, question case echoed; AA and RA set', async () => {
  const r = await udp(server.port, q(4711, 'KUBERNETES.default.svc.Cluster.Local'));
  assert.equal(r.id, 4711);
  assert.equal(r.type, 'response');
  assert.equal(rcodeOf(r), 'NOERROR');
  assert.equal(r.flag_aa, true);
  assert.equal(r.flag_rd, true);
  assert.equal(r.flag_ra, true);
  assert.deepEqual(r.questions, [{ name: 'KUBERNETES.default.svc.Cluster.Local', type: 'A', class: 'IN' }]);
  assert.deepEqual(r.answers?.map((a) => [a.name, a.type, (a as { ttl: number }).ttl, (a as { data: string }).data]),
    [['KUBERNETES.default.svc.Cluster.Local', 'A', 30, '10.96.0.1']]);
});

test('UDP and TCP on the same port; TCP answers pipelined queries on one connection', async () => {
  const replies = await tcp(server.port, [q(1, 'kubernetes.default.svc.cluster.local'), q(2, 'big-3.big.default.svc.cluster.local'), q(3, 'nope.default.svc.cluster.local')]);
  const byId = new Map(replies.map((r) => [r.id, r]));
  assert.deepEqual(addrs(byId.get(1)!.answers), ['10.96.0.1']);
  assert.deepEqual(addrs(byId.get(2)!.answers), ['10.244.1.4']);
  assert.equal(rcodeOf(byId.get(3)!), 'NXDOMAIN');
  assert.equal(byId.get(3)!.authorities?.[0]?.type, 'SOA');
});

test('a UDP answer too big for 512 bytes is truncated with TC; EDNS0 raises the limit; TCP carries it whole', async () => {
  const plain = await udp(server.port, q(10, 'big.default.svc.cluster.local'));
  assert.equal(plain.flag_tc, true);
  assert.ok(plain.size <= 512, `${plain.size} bytes`);
  assert.ok((plain.answers?.length ?? 0) < BIG);

  const big = await udp(server.port, q(11, 'big.default.svc.cluster.local', 'A', edns(4096)));
  assert.equal(big.flag_tc, false);
  assert.equal(big.answers?.length, BIG);
  const opt = big.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize: number } | undefined;
  assert.ok(opt, 'an EDNS query gets an OPT record back');

  // A 1232-byte buffer holds some of them: the reply uses it and no more.
  const mid = await udp(server.port, q(12, 'big.default.svc.cluster.local', 'A', edns(1232)));
  assert.equal(mid.flag_tc, true);
  assert.ok(mid.size <= 1232 && mid.size > 512, `${mid.size} bytes`);

  const [viaTcp] = await tcp(server.port, [q(13, 'big.default.svc.cluster.local')]);
  assert.equal(viaTcp.flag_tc, false);
  assert.equal(viaTcp.answers?.length, BIG);
});

test('SRV answers that fit without their additional records drop those and are not truncated', async () => {
  const r = await udp(server.port, q(14, '_p._tcp.big.default.svc.cluster.local', 'SRV', edns(4096)));
  assert.equal(r.flag_tc, true, 'sixty SRV records with long targets do not fit in 4096 bytes');
  const [whole] = await tcp(server.port, [q(15, '_p._tcp.big.default.svc.cluster.local', 'SRV')]);
  assert.equal(whole.answers?.length, BIG);
  assert.equal(whole.additionals?.filter((a) => a.type === 'A').length, BIG);
  const one = await udp(server.port, q(16, '_https._tcp.kubernetes.default.svc.cluster.local', 'SRV'));
  assert.equal(one.flag_tc, false);
  assert.deepEqual(addrs(one.additionals), ['10.96.0.1']);
});

test('malformed packets: silence for what cannot be answered, FORMERR or NOTIMP for the rest, and the server goes on', async () => {
  const good = dnsPacket.encode(q(100, 'kubernetes.default.svc.cluster.local'));
  const short = Buffer.from([1, 2, 3, 4, 5]);
  const response = dnsPacket.encode({ type: 'response', id: 101, questions: [{ name: 'x', type: 'A' }] });
  const twoQuestions = dnsPacket.encode({ type: 'query', id: 102, questions: [{ name: 'a', type: 'A' }, { name: 'b', type: 'A' }] });
  const cut = Buffer.from(good.subarray(0, good.length - 3));
  cut.writeUInt16BE(103, 0);
  const update = Buffer.from(dnsPacket.encode(q(104, 'kubernetes.default.svc.cluster.local')));
  update.writeUInt16BE((5 << 11) | 0x0100, 2);   // opcode UPDATE
  const garbage = Buffer.alloc(40, 0xff);
  garbage.writeUInt16BE(105, 0);
  garbage.writeUInt16BE(0x0100, 2);
  garbage.writeUInt16BE(1, 4);
  garbage.fill(0, 6, 12);

  const got = await udpExchange(server.port, [short, response, twoQuestions, cut, update, garbage, good], [102, 103, 104, 105, 100]);
  assert.equal(got.has(101), false, 'a response is never answered');
  assert.equal(rcodeOf(dnsPacket.decode(got.get(102)!)), 'FORMERR');
  assert.equal(rcodeOf(dnsPacket.decode(got.get(103)!)), 'FORMERR');
  assert.equal(rcodeOf(dnsPacket.decode(got.get(104)!)), 'NOTIMP');
  assert.equal(rcodeOf(dnsPacket.decode(got.get(105)!)), 'FORMERR');
  assert.deepEqual(addrs(dnsPacket.decode(got.get(100)!).answers), ['10.96.0.1']);

  // The same over TCP, then a good query on the same connection.
  const [formerr, ok] = await tcpRaw(server.port, [cut, good]);
  assert.equal(rcodeOf(formerr), 'FORMERR');
  assert.deepEqual(addrs(ok.answers), ['10.96.0.1']);
});

test('EDNS version above 0 is BADVERS; other classes and zone transfers are REFUSED', async () => {
  const bad = await udp(server.port, q(20, 'kubernetes.default.svc.cluster.local', 'A', edns(1232, 1)));
  const opt = bad.additionals?.find((a) => a.type === 'OPT') as { extendedRcode: number } | undefined;
  assert.equal(opt?.extendedRcode, 1, 'BADVERS is extended RCODE 16: 1 in the OPT record, 0 in the header');
  assert.equal(rcodeOf(bad), 'NOERROR');
  const chaos = await udp(server.port, { type: 'query', id: 21, questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }] });
  assert.equal(rcodeOf(chaos), 'REFUSED');
  const [axfr] = await tcp(server.port, [q(22, 'cluster.local', 'AXFR')]);
  assert.equal(rcodeOf(axfr), 'REFUSED');
});

test('names outside the zone go to the upstream under a fresh ID, over the protocol they came in on', async () => {
  const before = upstream.ids.length;
  const r = await udp(server.port, q(30, 'example.com'));
  assert.equal(r.id, 30);
  assert.deepEqual(addrs(r.answers), ['192.0.2.10']);
  const seen = upstream.ids.slice(before);
  assert.equal(seen.length, 1);
  assert.deepEqual(upstream.protos.slice(before), ['udp']);

  const [t] = await tcp(server.port, [q(31, 'example.com')]);
  assert.equal(t.id, 31);
  assert.deepEqual(addrs(t.answers), ['192.0.2.10']);
  assert.deepEqual(upstream.protos.slice(before), ['udp', 'tcp']);

  const nx = await udp(server.port, q(32, 'nothing.example.org'));
  assert.equal(rcodeOf(nx), 'NXDOMAIN', "the upstream's answer is passed on as it is");
  // Unknown reverse names fall through to the upstream as well (kubeadm's `fallthrough in-addr.arpa ip6.arpa`).
  const ptr = await udp(server.port, q(33, '4.3.2.1.in-addr.arpa', 'PTR'));
  assert.equal(rcodeOf(ptr), 'NXDOMAIN');
  assert.equal(upstream.ids.length - before, 4);
});

test('ExternalName: the CNAME, then the target resolved upstream', async () => {
  const r = await udp(server.port, q(40, 'ext.default.svc.cluster.local'));
  assert.deepEqual(r.answers?.map((a) => `${a.name} ${a.type} ${(a as { data: string }).data}`),
    ['ext.default.svc.cluster.local CNAME www.example.com', 'www.example.com A 192.0.2.10']);
});

test('without upstreams, outside names are REFUSED and unknown reverse names NXDOMAIN; a dead upstream is SERVFAIL', async () => {
  assert.equal(rcodeOf(await udp(noForward.port, q(50, 'example.com'))), 'REFUSED');
  const ptr = await udp(noForward.port, q(51, '4.3.2.1.in-addr.arpa', 'PTR'));
  assert.equal(rcodeOf(ptr), 'NXDOMAIN');
  assert.equal(ptr.authorities?.[0]?.name, 'in-addr.arpa');
  assert.equal(rcodeOf(await udp(deadUpstream.port, q(52, 'example.com'))), 'SERVFAIL');
  // The zone is still served.
  assert.deepEqual(addrs((await udp(noForward.port, q(53, 'kubernetes.default.svc.cluster.local'))).answers), ['10.96.0.1']);
});

test('past max_concurrent forwarded queries in flight, a new one is REFUSED; a silent upstream ends in SERVFAIL', async () => {
  const silent = createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, HOST, () => r()));
  const busy = await startDnsServer({
    host: HOST, port: 0, state: world(), config: { zone: ZONE, ttl: 30 },
    forwarder: new Forwarder([{ host: HOST, port: silent.address().port }], { timeoutMs: 500, maxConcurrent: 1 }),
  });
  try {
    const first = dnsPacket.encode(q(70, 'example.com'));
    const second = dnsPacket.encode(q(71, 'example.org'));
    const got = await udpExchange(busy.port, [first, second], [70, 71]);
    assert.equal(rcodeOf(dnsPacket.decode(got.get(71)!)), 'REFUSED');
    assert.equal(rcodeOf(dnsPacket.decode(got.get(70)!)), 'SERVFAIL');
  } finally {
    await busy.close();
    silent.close();
  }
});

test('responses are counted by rcode under CoreDNS metric names', async () => {
  await udp(server.port, q(60, 'nope.default.svc.cluster.local'));
  const text = await metrics.metrics();
  assert.match(text, /coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN"[^}]*\} [1-9]/);
  assert.match(text, /coredns_dns_requests_total\{[^}]*proto="udp"[^}]*type="A"[^}]*\} [1-9]/);
});

test('upstream configuration: resolv.conf nameservers, host[:port] forms', () => {
  assert.deepEqual(parseResolvConf('# x\nsearch a.b\nnameserver 10.0.0.2\nnameserver fd00::53\nnameserver  bogus\noptions ndots:5\n'),
    [{ host: '10.0.0.2', port: 53 }, { host: 'fd00::53', port: 53 }]);
  assert.deepEqual(parseUpstream('10.0.0.2:5353'), { host: '10.0.0.2', port: 5353 });
  assert.deepEqual(parseUpstream('[fd00::1]:54'), { host: 'fd00::1', port: 54 });
  assert.deepEqual(parseUpstream('fd00::1'), { host: 'fd00::1', port: 53 });
  assert.throws(() => parseUpstream('dns.example:53'), /not an IP address/);
});
