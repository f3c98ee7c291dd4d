// mountinfo parsing: escaped mount points, optional fields, and the deepest-first order
// teardown unmounts in.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isShared, mountAt, mountOf, mountsUnder, parseMountInfo } from './mounts.js';
import { isSelfBind } from './node-mounts.js';

const TEXT = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard',
  '100 27 7:3 / /data/pods/u1/volumes/local-block/my\\040vol rw,relatime shared:5 - ext4 /dev/loop3 rw',
  '101 27 0:55 / /data/pods/u1/volumes/empty-dir/cache rw,relatime - tmpfs tmpfs rw,size=16384k',
  '102 100 0:56 / /data/pods/u1/volumes/local-block/my\\040vol/sub rw - tmpfs tmpfs rw',
  '103 27 0:57 / /data/pods/u10/volumes/empty-dir/x rw - tmpfs tmpfs rw',
  '',
].join('\n');

it('parses mountinfo lines, unescaping mount points', () => {
  const m = parseMountInfo(TEXT);
  assert.equal(m.length, 5);
  assert.deepEqual(m[1], {
    id: 100, parentId: 27, majorMinor: '7:3', root: '/', mountPoint: '/data/pods/u1/volumes/local-block/my vol', options: 'rw,relatime',
    fsType: 'ext4', source: '/dev/loop3', superOptions: 'rw', propagation: ['shared:5'],
  });
  assert.deepEqual(m[0]!.propagation, []);
  assert.equal(m[2]!.superOptions, 'rw,size=16384k');
});

it('lists the mounts of one directory deepest first, not those of a sibling with a longer name', () => {
  const m = parseMountInfo(TEXT);
  assert.deepEqual(mountsUnder(m, '/data/pods/u1').map((x) => x.mountPoint), [
    '/data/pods/u1/volumes/local-block/my vol/sub', '/data/pods/u1/volumes/local-block/my vol', '/data/pods/u1/volumes/empty-dir/cache',
  ]);
  assert.equal(mountAt(m, '/data/pods/u1/volumes/empty-dir/cache/')?.fsType, 'tmpfs');
  assert.equal(mountAt(m, '/data/pods/u1/volumes'), undefined);
});

const BIND = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '42 27 254:0 /var/lib/berth/pods /var/lib/berth/pods rw,relatime shared:7 - ext4 /dev/vda rw',
  '43 42 0:60 / /var/lib/berth/pods/u1/volumes/empty-dir/m rw master:7 - tmpfs tmpfs rw',
  '44 27 8:1 / /srv rw - ext4 /dev/sdb rw',
  '45 44 8:1 /x/pods /srv/x/pods rw shared:9 - ext4 /dev/sdb rw',
  '46 27 254:0 /other /var/lib/berth/elsewhere rw - ext4 /dev/vda rw',
  '',
].join('\n');

it('finds the mount a path lives on and whether it is shared, as upstream\'s isShared does', () => {
  const m = parseMountInfo(BIND);
  assert.equal(mountOf(m, '/var/lib/berth/pods/u1/volumes')?.id, 42);
  assert.equal(mountOf(m, '/var/lib/berth/podsx')?.id, 27, 'a sibling with a longer name is not inside');
  assert.equal(mountOf(m, '/var/lib/berth/pods/u1/volumes/empty-dir/m/sub')?.id, 43);
  assert.ok(isShared(m.find((x) => x.id === 42)!));
  assert.ok(!isShared(m.find((x) => x.id === 43)!), 'a slave is not shared');
  assert.ok(!isShared(mountOf(m, '/var/lib')!));
});

it('tells a self bind mount (mount --bind D D) from other mounts at D', () => {
  const m = parseMountInfo(BIND);
  const byId = (id: number) => m.find((x) => x.id === id)!;
  assert.ok(isSelfBind(m, byId(42)));
  assert.ok(isSelfBind(m, byId(45)), 'within a filesystem mounted elsewhere');
  assert.ok(!isSelfBind(m, byId(43)), 'another filesystem');
  assert.ok(!isSelfBind(m, byId(44)));
  assert.ok(!isSelfBind(m, byId(46)), 'a bind of another directory');
});
