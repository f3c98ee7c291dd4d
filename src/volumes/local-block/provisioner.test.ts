// The local-block provisioner: sizes rounded as upstream rounds to MiB, a sparse image with a
// real ext4 filesystem (mke2fs needs no root), the PV a local volume pinned to the node,
// refusals that say what to change, growth on expand, deletes confined to its root.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseQuantity } from '../../core/index.js';
import type { PersistentVolumeClaimObject, StorageClassObject } from '../objects.js';
import { ProvisioningError } from '../types.js';
import { capacityOf, imageBytes } from './image.js';
import { localBlockProvisioner } from './provisioner.js';

const sc = (o: Partial<StorageClassObject> = {}): StorageClassObject => ({ metadata: { name: 'local-block' }, provisioner: 'berth.dev/local-block', ...o });
const claim = (spec: Record<string, unknown> = {}): PersistentVolumeClaimObject => ({
  metadata: { name: 'data', namespace: 'default', uid: 'u1' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } }, ...spec },
});

it('rounds requests up to whole MiB and shows capacity as a binary quantity', () => {
  const cases: Array<[string, bigint, string]> = [
    ['1Gi', 1n << 30n, '1Gi'], ['1G', 954n << 20n, '954Mi'], ['1', 1n << 20n, '1Mi'], ['1500Ki', 2n << 20n, '2Mi'], ['2Gi', 2n << 30n, '2Gi'],
  ];
  for (const [req, bytes, shown] of cases) {
    assert.equal(imageBytes(parseQuantity(req)), bytes, req);
    assert.equal(capacityOf(bytes), shown, req);
  }
});

describe('local-block provisioner', () => {
  let root: string;
  before(() => { root = mkdtempSync(join(tmpdir(), 'berth-local-block-test-')); });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('makes a sparse ext4 image of the requested size and a local PV pinned to the node', async () => {
    const p = localBlockProvisioner({ root, nodeName: 'n1' });
    const pv = await p.provision({ pvName: 'pvc-u1', claim: claim(), storageClass: sc({ parameters: { fsType: 'ext4' } }), node: 'n1' });
    const img = join(root, 'pvc-u1.img');
    const st = statSync(img);
    assert.equal(st.size, 64 * 1024 * 1024);
    assert.ok(st.blocks * 512 < st.size / 2, `sparse: ${st.blocks * 512} bytes on disk`);
    const fs = execFileSync('dumpe2fs', ['-h', img], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    assert.match(fs, /Reserved block count:\s+0\n/);
    assert.match(fs, /Filesystem features:.*extent/);
    assert.deepEqual(pv.spec, {
      capacity: { storage: '64Mi' }, accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', local: { path: img, fsType: 'ext4' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } },
    });
    assert.ok(p.owns(pv));
    assert.ok(!localBlockProvisioner({ root, nodeName: 'n2' }).owns(pv), 'another node does not own it');

    const grown = await p.expand!(pv, parseQuantity('100Mi'));
    assert.deepEqual(grown, { capacity: '100Mi', nodeExpansionRequired: true });
    assert.equal(statSync(img).size, 100 * 1024 * 1024);

    await p.delete(pv);
    assert.ok(!existsSync(img));
    await p.delete(pv); // a missing image is success
  });

  it('refuses what an image on one node cannot give, saying what to change', async () => {
    const p = localBlockProvisioner({ root, nodeName: 'n1' });
    const refusals: Array<[PersistentVolumeClaimObject, StorageClassObject, RegExp]> = [
      [claim({ accessModes: ['ReadWriteMany'] }), sc(), /access mode ReadWriteMany is not supported by berth.dev\/local-block.*ReadWriteOnce/],
      [claim({ volumeMode: 'Block' }), sc(), /volumeMode Block is not supported by berth.dev\/local-block yet.*use volumeMode Filesystem/],
      [claim(), sc({ parameters: { type: 'ssd' } }), /invalid StorageClass parameter "type": berth.dev\/local-block takes only "fsType"/],
      [claim(), sc({ parameters: { fsType: 'xfs' } }), /unsupported fsType "xfs": berth.dev\/local-block supports ext4, ext3, ext2/],
      [claim({ selector: { matchLabels: { a: 'b' } } }), sc(), /claim Selector is not supported/],
    ];
    for (const [c, s, re] of refusals) {
      await assert.rejects(p.provision({ pvName: 'pvc-x', claim: c, storageClass: s, node: 'n1' }), (e: unknown) => {
        assert.ok(e instanceof ProvisioningError && e.final, String(e));
        assert.match(e.message, re);
        return true;
      });
    }
    assert.ok(!existsSync(join(root, 'pvc-x.img')), 'nothing made for a refused claim');
    await assert.rejects(p.provision({ pvName: 'pvc-y', claim: claim(), storageClass: sc(), node: 'n2' }),
      (e: unknown) => e instanceof ProvisioningError && e.reschedule && !e.final);
  });

  it('deletes only its own images', async () => {
    const p = localBlockProvisioner({ root });
    const foreign = { metadata: { name: 'pvc-z' }, spec: { local: { path: '/etc/passwd' } } };
    await assert.rejects(p.delete(foreign), /refusing to delete \/etc\/passwd/);
    assert.ok(!p.owns(foreign));
  });
});
