// DNS, security context and resource conversions the agent hands to every runtime.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { containerResources, containerSecurity, podDns } from './pod-config.js';

const dns = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' };
const pod = (spec: Partial<Pod['spec']>): Pod => ({ metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [], ...spec } as Pod['spec'] });

test('ClusterFirst: cluster DNS with the namespace search path and ndots:5', () => {
  assert.deepEqual(podDns(pod({}), dns), {
    servers: ['10.96.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'],
  });
  assert.equal(podDns(pod({}), { clusterDNS: [], clusterDomain: 'cluster.local' }), undefined, 'no cluster DNS: the node resolv.conf');
  assert.equal(podDns(pod({ hostNetwork: true }), dns), undefined, 'host network: the node resolv.conf');
  assert.equal(podDns(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), dns)?.servers[0], '10.96.0.10');
});

test('dnsConfig adds servers and searches, overrides options by name; None uses it alone', () => {
  const dnsConfig = { nameservers: ['1.1.1.1'], searches: ['corp.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] };
  assert.deepEqual(podDns(pod({ dnsConfig }), dns), {
    servers: ['10.96.0.10', '1.1.1.1'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'], options: ['ndots:2', 'edns0'],
  });
  assert.deepEqual(podDns(pod({ dnsPolicy: 'None', dnsConfig }), dns), { servers: ['1.1.1.1'], searches: ['corp.example'], options: ['ndots:2', 'edns0'] });
});

test('the container security context wins over the pod\'s', () => {
  const p = pod({ securityContext: { runAsUser: 1000, runAsGroup: 1000, supplementalGroups: [5] } });
  assert.deepEqual(containerSecurity(p, { name: 'a', securityContext: { runAsUser: 0, readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN'] } } }), {
    runAsUser: 0, runAsGroup: 1000, supplementalGroups: [5], readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN'], drop: [] },
  });
  assert.equal(containerSecurity(pod({}), { name: 'a' }), undefined);
});

test('resources become cgroup values', () => {
  assert.deepEqual(containerResources({ name: 'a', resources: { requests: { cpu: '250m' }, limits: { cpu: '1500m', memory: '128Mi' } } }), {
    memoryLimitBytes: 128 * 1024 * 1024, cpuShares: 256, cpuPeriod: 100_000, cpuQuota: 150_000,
  });
  assert.deepEqual(containerResources({ name: 'a', resources: { requests: { cpu: '1m' } } }), { cpuShares: 2 });
  assert.equal(containerResources({ name: 'a' }), undefined);
});
