// renderRuleset() checked by meaning: a small reader of the rendered transaction follows the
// verdict maps and chains the way the kernel would, so the tests state which address:port ends
// at which endpoints, which is rejected and which dropped, not how the text is spelled. When
// nft is installed and we are root, `nft -c` (check only, nothing applied) also parses it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { planServices, renderRuleset, type RenderOptions } from './render.js';

const OPTS: RenderOptions = { table: 'proxytest', serviceCIDR: '10.96.0.0/12', podCIDR: '10.244.0.0/24', nodeName: 'node-a' };

function svc(name: string, spec: Service['spec'], extra: Partial<Service> = {}): Service {
  return { metadata: { namespace: 'default', name }, spec: { type: 'ClusterIP', ...spec }, ...extra };
}

type Ep = NonNullable<EndpointSlice['endpoints']>[number];
function slice(service: string, endpoints: Ep[], ports: EndpointSlice['ports'], extra: Partial<EndpointSlice> = {}): EndpointSlice {
  return {
    metadata: { namespace: 'default', name: `${service}-${Math.random().toString(36).slice(2, 7)}`, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4', endpoints, ports, ...extra,
  };
}
const http = [{ name: 'http', port: 8080, protocol: 'TCP' }];

/** Reads the transaction back: elements of each map, rules of each chain. */
class Ruleset {
  readonly maps = new Map<string, Map<string, string>>();
  readonly sets = new Map<string, Set<string>>();
  readonly rules = new Map<string, string[]>();
  readonly declared: string[] = [];

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      let m = /^add element ip \S+ (\S+) \{ (.*) \}$/.exec(line);
      if (m) {
        for (const el of m[2]!.split(/,(?![^{]*\})/)) {
          const [k, v] = el.split(' : ').map((s) => s.trim());
          if (v === undefined) this.sets.set(m[1]!, new Set([...(this.sets.get(m[1]!) ?? []), k!]));
          else this.maps.set(m[1]!, new Map([...(this.maps.get(m[1]!) ?? []), [k!, v]]));
        }
        continue;
      }
      m = /^add rule ip \S+ (\S+) (.*)$/.exec(line);
      if (m) this.rules.set(m[1]!, [...(this.rules.get(m[1]!) ?? []), m[2]!]);
      m = /^add (chain|set|map) ip \S+ (\S+)/.exec(line);
      if (m) this.declared.push(m[2]!);
    }
  }

  /** Where a chain sends a new connection from `source`: DNAT targets, or what ends it. */
  follow(chain: string, source: 'pod' | 'host' | 'external' = 'pod'): string[] {
    for (const rule of this.rules.get(chain) ?? []) {
      const jump = /goto (\S+)( comment "(.*)")?$/.exec(rule);
      if (rule.startsWith('ip saddr 10.244.0.0/24 goto') && source !== 'pod') continue;
      if (rule.startsWith('fib saddr type local goto') && source !== 'host') continue;
      if (rule.startsWith('ip saddr @')) continue; // affinity: only for clients already seen
      const dnat = /dnat to (\S+)$/.exec(rule);
      if (dnat) return [dnat[1]!];
      const spread = /numgen random mod (\d+) vmap \{ (.*) \}$/.exec(rule);
      if (spread) {
        const arms = spread[2]!.split(' , ').map((a) => a.split(' : goto ')[1]!);
        assert.equal(arms.length, Number(spread[1]), 'numgen modulus must equal the number of arms');
        return arms.flatMap((a) => this.follow(a, source)).sort();
      }
      if (jump && !rule.startsWith('jump')) return this.follow(jump[1]!, source);
    }
    return [];
  }

  /** What happens to a new connection to ip:port/proto (a ClusterIP or external IP). */
  resolve(ip: string, port: number, proto = 'tcp', source: 'pod' | 'host' | 'external' = 'pod'): string[] | 'reject' | 'drop' | 'pass' {
    const key = `${ip} . ${proto} . ${port}`;
    const verdict = this.maps.get('service-ips')?.get(key);
    if (verdict) return this.follow(verdict.replace('goto ', ''), source);
    return this.afterDnat(this.maps.get('no-endpoint-services')?.get(key), ip);
  }

  nodePort(port: number, proto = 'tcp', source: 'pod' | 'host' | 'external' = 'external'): string[] | 'reject' | 'drop' | 'pass' {
    const key = `${proto} . ${port}`;
    const verdict = this.maps.get('service-nodeports')?.get(key);
    if (verdict) {
      const targets = this.follow(verdict.replace('goto ', ''), source);
      if (targets.length) return targets;
    }
    return this.afterDnat(this.maps.get('no-endpoint-nodeports')?.get(key));
  }

  private afterDnat(noEndpoints: string | undefined, ip?: string): 'reject' | 'drop' | 'pass' {
    if (noEndpoints === 'goto reject-chain') return 'reject';
    if (noEndpoints === 'drop') return 'drop';
    if (ip && this.sets.get('cluster-ips')?.has(ip)) return 'reject';
    if (ip && ip.startsWith('10.96.') && this.rules.get('cluster-ips-check')?.some((r) => r.startsWith('ip daddr 10.96.0.0/12 drop'))) return 'drop';
    return 'pass';
  }
}

const render = (services: Service[], slices: EndpointSlice[], opts: Partial<RenderOptions> = {}) =>
  new Ruleset(renderRuleset(services, slices, { ...OPTS, ...opts }));

describe('renderRuleset', () => {
  it('maps a ClusterIP port to its ready endpoints on the slice port, leaving not-ready ones out', () => {
    const r = render([svc('web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] })], [
      slice('web', [{ addresses: ['10.244.0.2'] }, { addresses: ['10.244.0.3'], conditions: { ready: true } },
        { addresses: ['10.244.0.4'], conditions: { ready: false } }], http),
    ]);
    assert.deepEqual(r.resolve('10.96.0.10', 80), ['10.244.0.2:8080', '10.244.0.3:8080']);
    assert.equal(r.resolve('10.96.0.10', 443), 'reject', 'another port of an allocated ClusterIP is rejected');
    assert.equal(r.resolve('10.96.0.10', 80, 'udp'), 'reject');
    assert.equal(r.resolve('10.96.5.5', 80), 'drop', 'an unallocated address of the service CIDR is dropped');
    assert.equal(r.resolve('192.0.2.9', 80), 'pass', 'other destinations are not touched');
    assert.ok(r.rules.get(r.maps.get('service-ips')!.get('10.96.0.10 . tcp . 80')!.replace('goto ', ''))!.includes('jump mark-for-masquerade'));
  });

  it('rejects a service without endpoints, and one whose endpoints are all not ready', () => {
    const r = render([
      svc('empty', { clusterIP: '10.96.0.11', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
      svc('down', { clusterIP: '10.96.0.12', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    ], [slice('down', [{ addresses: ['10.244.0.5'], conditions: { ready: false, serving: false } }], http)]);
    assert.equal(r.resolve('10.96.0.11', 80), 'reject');
    assert.equal(r.resolve('10.96.0.12', 80), 'reject');
    assert.equal(r.maps.get('service-ips'), undefined, 'nothing is DNATed');
    assert.deepEqual([...r.sets.get('cluster-ips')!].sort(), ['10.96.0.11', '10.96.0.12']);
  });

  it('falls back to serving terminating endpoints only while none is ready', () => {
    const terminating = { addresses: ['10.244.0.6'], conditions: { ready: false, serving: true, terminating: true } };
    const gone = { addresses: ['10.244.0.7'], conditions: { ready: false, serving: false, terminating: true } };
    const spec = { clusterIP: '10.96.0.13', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] };
    assert.deepEqual(render([svc('t', spec)], [slice('t', [terminating, gone], http)]).resolve('10.96.0.13', 80), ['10.244.0.6:8080']);
    assert.deepEqual(render([svc('t', spec)], [slice('t', [terminating, { addresses: ['10.244.0.8'] }], http)]).resolve('10.96.0.13', 80),
      ['10.244.0.8:8080']);
  });

  it('joins the slices of a service, matches ports by name and protocol, and ignores other services and address types', () => {
    const r = render([svc('dns', { clusterIP: '10.96.0.14', ports: [
      { name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 5353 }] })], [
      slice('dns', [{ addresses: ['10.244.0.2'] }], [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 5353, protocol: 'TCP' }]),
      slice('dns', [{ addresses: ['10.244.0.3'] }, { addresses: ['10.244.0.2'] }],
        [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 5353, protocol: 'TCP' }]),
      slice('dns', [{ addresses: ['fd00::1'] }], [{ name: 'dns', port: 53, protocol: 'UDP' }], { addressType: 'IPv6' }),
      slice('other', [{ addresses: ['10.244.0.9'] }], [{ name: 'dns', port: 53, protocol: 'UDP' }]),
    ]);
    assert.deepEqual(r.resolve('10.96.0.14', 53, 'udp'), ['10.244.0.2:53', '10.244.0.3:53']);
    assert.deepEqual(r.resolve('10.96.0.14', 53, 'tcp'), ['10.244.0.2:5353', '10.244.0.3:5353']);
  });

  it('skips headless, ExternalName and other proxies\' services', () => {
    const eps = [slice('h', [{ addresses: ['10.244.0.2'] }], http)];
    const plans = planServices([
      svc('h', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }),
      svc('x', { type: 'ExternalName', externalName: 'example.org' }),
      svc('p', { clusterIP: '10.96.0.15', ports: [{ name: 'http', port: 80 }] },
        { metadata: { namespace: 'default', name: 'p', labels: { 'service.kubernetes.io/service-proxy-name': 'other' } } }),
    ], eps);
    assert.deepEqual(plans, []);
  });

  it('serves a NodePort on the node addresses, and rejects it without endpoints', () => {
    const spec = (ip: string, nodePort: number) => ({ type: 'NodePort', clusterIP: ip, ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort }] });
    const r = render([svc('np', spec('10.96.0.16', 30080)), svc('none', spec('10.96.0.17', 30081))],
      [slice('np', [{ addresses: ['10.244.0.2'] }, { addresses: ['10.244.0.3'] }], http)], { nodeAddresses: ['127.0.0.1', '10.244.0.1'] });
    assert.deepEqual(r.nodePort(30080), ['10.244.0.2:8080', '10.244.0.3:8080']);
    assert.equal(r.nodePort(30081), 'reject');
    assert.deepEqual([...r.sets.get('nodeport-ips')!].sort(), ['10.244.0.1', '127.0.0.1']);
    assert.ok(r.rules.get('services')!.includes('ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports'));
    const all = render([svc('np', spec('10.96.0.16', 30080))], []);
    assert.ok(all.rules.get('services')!.includes('fib daddr type local meta l4proto . th dport vmap @service-nodeports'),
      'without nodeAddresses every local address serves NodePorts');
  });

  it('externalTrafficPolicy=Local sends external traffic to this node\'s endpoints only, and drops it when there are none', () => {
    const spec = (ip: string, nodePort: number) => ({ type: 'NodePort', clusterIP: ip, externalTrafficPolicy: 'Local',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort }] });
    const r = render([svc('loc', spec('10.96.0.18', 30082)), svc('far', spec('10.96.0.19', 30083))], [
      slice('loc', [{ addresses: ['10.244.0.2'], nodeName: 'node-a' }, { addresses: ['10.244.9.2'], nodeName: 'node-b' }], http),
      slice('far', [{ addresses: ['10.244.9.3'], nodeName: 'node-b' }], http),
    ]);
    assert.deepEqual(r.nodePort(30082, 'tcp', 'external'), ['10.244.0.2:8080']);
    assert.deepEqual(r.nodePort(30082, 'tcp', 'pod'), ['10.244.0.2:8080', '10.244.9.2:8080'], 'pods take the cluster path');
    assert.deepEqual(r.nodePort(30082, 'tcp', 'host'), ['10.244.0.2:8080', '10.244.9.2:8080']);
    assert.equal(r.nodePort(30083, 'tcp', 'external'), 'drop');
    assert.deepEqual(r.nodePort(30083, 'tcp', 'pod'), ['10.244.9.3:8080']);
    assert.deepEqual(r.resolve('10.96.0.19', 80), ['10.244.9.3:8080'], 'the ClusterIP still reaches every endpoint');
  });

  it('internalTrafficPolicy=Local limits the ClusterIP to this node\'s endpoints', () => {
    const r = render([svc('itp', { clusterIP: '10.96.0.20', internalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] })],
      [slice('itp', [{ addresses: ['10.244.0.2'], nodeName: 'node-a' }, { addresses: ['10.244.9.2'], nodeName: 'node-b' }], http)]);
    assert.deepEqual(r.resolve('10.96.0.20', 80), ['10.244.0.2:8080']);
  });

  it('sessionAffinity=ClientIP remembers each client per endpoint for the configured time', () => {
    const r = render([svc('sticky', { clusterIP: '10.96.0.21', sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] })],
    [slice('sticky', [{ addresses: ['10.244.0.2'] }, { addresses: ['10.244.0.3'] }], http)]);
    const svcChain = r.maps.get('service-ips')!.get('10.96.0.21 . tcp . 80')!.replace('goto ', '');
    const sticky = r.rules.get(svcChain)!.filter((x) => x.startsWith('ip saddr @affinity-'));
    assert.equal(sticky.length, 2);
    for (const rule of sticky) {
      const [, set, endpoint] = /^ip saddr @(\S+) goto (\S+)$/.exec(rule)!;
      assert.ok(r.text.includes(`add set ip proxytest ${set} { type ipv4_addr ; flags dynamic,timeout ; timeout 600s ; }`));
      assert.ok(r.rules.get(endpoint!)!.includes(`update @${set} { ip saddr }`), 'the endpoint chain records the client');
    }
  });

  it('renders the same text whatever order objects arrive in, and declares every chain before rules use it', () => {
    const services = [svc('a', { clusterIP: '10.96.0.22', ports: [{ name: 'http', port: 80 }] }), svc('b', { clusterIP: '10.96.0.23', ports: [{ name: 'http', port: 80 }] })];
    const slices = [slice('a', [{ addresses: ['10.244.0.2'] }, { addresses: ['10.244.0.3'] }], http), slice('b', [{ addresses: ['10.244.0.4'] }], http)];
    const one = renderRuleset(services, slices, OPTS);
    const two = renderRuleset([...services].reverse(), [...slices].reverse().map((s) => ({ ...s, endpoints: [...s.endpoints].reverse() })), OPTS);
    assert.equal(one, two);
    const lines = one.split('\n');
    const firstRule = lines.findIndex((l) => l.startsWith('add rule') || l.startsWith('add element'));
    assert.ok(lines.slice(firstRule).every((l) => !/^add (chain|set|map) /.test(l)));
    assert.deepEqual(lines.slice(0, 3), ['add table ip proxytest', 'delete table ip proxytest', 'add table ip proxytest { comment "service proxy (berth)" ; }']);
  });

  it('is accepted by nft (check mode)', { skip: nftSkip() }, () => {
    const text = renderRuleset([
      svc('a', { type: 'NodePort', clusterIP: '10.96.0.24', externalTrafficPolicy: 'Local', sessionAffinity: 'ClientIP', externalIPs: ['192.0.2.50'],
        ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30084 }, { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30085 }] }),
      svc('b', { clusterIP: '10.96.0.25', ports: [{ port: 80 }] }),
    ], [slice('a', [{ addresses: ['10.244.0.2'], nodeName: 'node-a' }, { addresses: ['10.244.0.3'] }],
      [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }])], { ...OPTS, table: `proxycheck${process.pid}` });
    execFileSync('nft', ['-c', '-f', '-'], { input: text, stdio: ['pipe', 'ignore', 'pipe'] });
    const withAddrs = renderRuleset([], [], { ...OPTS, table: `proxycheck${process.pid}`, nodeAddresses: ['127.0.0.1'] });
    execFileSync('nft', ['-c', '-f', '-'], { input: withAddrs, stdio: ['pipe', 'ignore', 'pipe'] });
  });
});

function nftSkip(): string | false {
  if (process.getuid?.() !== 0) return 'nft -c needs root';
  try { execFileSync('nft', ['--version'], { stdio: 'ignore' }); } catch { return 'nft is not installed (apt-get install nftables)'; }
  return false;
}
