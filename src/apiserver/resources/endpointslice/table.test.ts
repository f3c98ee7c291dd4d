import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Obj } from '../printing.js';
import { endpointSliceTable as table, formatSliceEndpoints, formatSlicePorts } from './table.js';

const NOW = new Date('2026-11-27T12:00:00Z');

test('endpointslice row: address type, ports, first three addresses then a count', () => {
  const s = {
    metadata: { name: 'nginx-abcde', creationTimestamp: '2026-11-27T11:58:00Z' }, addressType: 'IPv4',
    ports: [{ name: 'web', port: 80, protocol: 'TCP' }],
    endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
  } as Obj<EndpointSlice>;
  assert.deepEqual(table.row(s, NOW), ['nginx-abcde', 'IPv4', '80', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '2m']);
  assert.deepEqual(table.columns.map((c) => c.name), ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
});

test('empty lists print <unset>; a port without a number prints its name, or * without either', () => {
  assert.equal(formatSliceEndpoints([]), '<unset>');
  assert.equal(formatSliceEndpoints(undefined), '<unset>');
  assert.equal(formatSlicePorts(undefined), '<unset>');
  assert.equal(formatSlicePorts([{ name: 'dns' }, {}, { port: 53 }, { port: 54 }, { port: 55 }]), 'dns,*,53 + 2 more...');
  assert.equal(formatSliceEndpoints([{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3'] }]), '10.0.0.1,10.0.0.2,10.0.0.3');
});
