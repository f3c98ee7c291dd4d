// What the rbd node code reads and writes without running anything: the `rbd map` command line
// upstream's plugin built, both shapes of `rbd showmapped --format json`, and blkid's verdict on
// whether a device may be formatted.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseBlkid, parseShowMapped, rbdMapArgs, type RbdVolume } from './rbd.js';

const volume = (o: Partial<RbdVolume> = {}): RbdVolume => ({
  monitors: ['10.16.154.78:6789', '10.16.154.82:6789'], pool: 'kube', image: 'foo', user: 'admin', keyring: '/etc/ceph/keyring',
  fsType: 'ext4', readOnly: false, ...o,
});

it('maps <pool>/<image> with the user, all monitors comma-joined, and the keyring or else the secret key', () => {
  assert.deepEqual(rbdMapArgs(volume()),
    ['map', 'kube/foo', '--id', 'admin', '-m', '10.16.154.78:6789,10.16.154.82:6789', '-k', '/etc/ceph/keyring']);
  assert.deepEqual(rbdMapArgs(volume({ user: 'kube', secret: 'AQD9o0Fd6hQRChAAt7fMaSZXduT3NWEqylNpmg==' })),
    ['map', 'kube/foo', '--id', 'kube', '-m', '10.16.154.78:6789,10.16.154.82:6789', '--key=AQD9o0Fd6hQRChAAt7fMaSZXduT3NWEqylNpmg==']);
});

it('reads showmapped JSON as Ceph 13+ prints it (an array) and as older CLIs did (an object by id)', () => {
  const current = '[{"id":"0","pool":"kube","namespace":"","name":"foo","snap":"-","device":"/dev/rbd0"}]\n';
  const old = '{"0":{"pool":"kube","name":"foo","snap":"-","device":"/dev/rbd0"},"1":{"pool":"rbd","name":"bar","snap":"s1","device":"/dev/rbd1"}}';
  assert.deepEqual(parseShowMapped(current), [{ pool: 'kube', namespace: '', name: 'foo', snap: '-', device: '/dev/rbd0' }]);
  assert.deepEqual(parseShowMapped(old), [
    { pool: 'kube', namespace: '', name: 'foo', snap: '-', device: '/dev/rbd0' },
    { pool: 'rbd', namespace: '', name: 'bar', snap: 's1', device: '/dev/rbd1' },
  ]);
  assert.deepEqual(parseShowMapped(''), []);
  assert.deepEqual(parseShowMapped('[]'), []);
});

it('takes a device as blank only when blkid finds neither a filesystem nor a partition table', () => {
  assert.equal(parseBlkid('DEVNAME=/dev/rbd0\nTYPE=ext4\n'), 'ext4');
  assert.equal(parseBlkid('DEVNAME=/dev/rbd0\nPTTYPE=gpt\n'), 'unknown data, probably partitions');
  assert.equal(parseBlkid(''), '');
});
