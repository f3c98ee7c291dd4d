import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayOf, ipv4ToNumber, parseCidr, toDotted } from './cidr.js';

test('CIDRs normalise to their network address; addresses round-trip', () => {
  assert.deepEqual(parseCidr('10.244.0.7/24'), { base: ipv4ToNumber('10.244.0.0'), prefix: 24, size: 256 });
  assert.equal(gatewayOf(parseCidr('10.96.0.0/12')), '10.96.0.1');
  assert.equal(toDotted(ipv4ToNumber('255.1.0.254')!), '255.1.0.254');
  assert.equal(ipv4ToNumber('10.0.0.256'), undefined);
  assert.equal(ipv4ToNumber('10.0.0'), undefined);
  for (const bad of ['10.300.0.0/24', '10.0.0.0/31', '10.0.0.0/7', '10.0.0.0', 'x/24', '10.0.0.0/2a']) {
    assert.throws(() => parseCidr(bad), new RegExp(`${JSON.stringify(bad).replace(/[./]/g, '\\$&')}: an IPv4 a\\.b\\.c\\.d/n with 8 <= n <= 30 is expected`));
  }
});
