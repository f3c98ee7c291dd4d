// mountinfo parsing: escaped mount points, optional fields, and the deepest-first order
// teardown unmounts in.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { mountAt, mountsUnder, parseMountInfo } from './mounts.js';

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
    majorMinor: '7:3', mountPoint: '/data/pods/u1/volumes/local-block/my vol', options: 'rw,relatime',
    fsType: 'ext4', source: '/dev/loop3', superOptions: 'rw',
  });
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
