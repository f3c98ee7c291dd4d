import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import type { Obj } from '../printing.js';
import { endpointsTable as table, formatEndpoints } from './table.js';

const NOW = new Date('2026-11-27T12:00:00Z');

test('endpoints list ip:port, first three then a count', () => {
  const ep: Endpoints = { metadata: { name: 'nginx', creationTimestamp: '2026-11-27T11:59:00Z' }, subsets: [
    { addresses: [{ ip: '10.0.0.10' }, { ip: '10.0.0.11' }], ports: [{ name: 'web', port: 80, protocol: 'TCP' }] },
    { addresses: [{ ip: 'fd00::1' }, { ip: '10.0.0.12' }], ports: [{ port: 8080 }, { port: 9090 }] },
  ] };
  assert.deepEqual(table.row(ep as Obj<Endpoints>, NOW), ['nginx', '10.0.0.10:80,10.0.0.11:80,[fd00::1]:8080 + 3 more...', '60s']);
  assert.equal(formatEndpoints({ subsets: [{ addresses: [{ ip: '10.0.0.10' }] }] }), '10.0.0.10');
  assert.equal(formatEndpoints({ subsets: [{ ports: [{ port: 80 }] }] }), '');
  assert.equal(formatEndpoints({}), '<none>');
});
