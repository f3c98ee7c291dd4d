import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { ApiClient } from '../client/index.js';
import { clusterDns } from './component.js';

/** A client that only records that it was used: nothing here may reach the API. */
function recordingClient(calls: string[]): ApiClient {
  return new Proxy({}, { get: (_t, prop) => () => { calls.push(String(prop)); throw new Error('unexpected API call'); } }) as ApiClient;
}

test('a port that is taken fails the run before anything is watched, and listening() says so', async () => {
  const taken = createSocket('udp4');
  await new Promise<void>((r) => taken.bind(0, '127.0.0.1', () => r()));
  try {
    const dns = clusterDns({ listen: { host: '127.0.0.1', port: taken.address().port }, upstreams: false });
    const calls: string[] = [];
    const listening = dns.listening();
    await assert.rejects(dns.run(recordingClient(calls), new AbortController().signal), { code: 'EADDRINUSE' });
    await assert.rejects(listening, { code: 'EADDRINUSE' });
    assert.deepEqual(calls, [], 'no informer was started for a server that never served');
  } finally {
    taken.close();
  }
});

test('configuration is checked when the component is made', () => {
  assert.throws(() => clusterDns({ listen: { host: '127.0.0.1', port: 0 }, ttl: 4000 }), /ttl/);
  assert.throws(() => clusterDns({ listen: { host: '127.0.0.1', port: 0 }, upstreams: ['resolver.example'] }), /not an IP address/);
  assert.throws(() => clusterDns({ listen: { host: '127.0.0.1', port: 0 }, zone: '.' }), /zone/);
});
