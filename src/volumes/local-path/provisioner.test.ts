// The local-path provisioner on a real file system: a world-writable directory per volume,
// a PV pinned to the node, refusals that say what to change, deletes confined to its root.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PersistentVolumeClaimObject, StorageClassObject } from '../objects.js';
import { ProvisioningError } from '../types.js';
import { localPathProvisioner, pinnedNode } from './provisioner.js';

const sc = (o: Partial<StorageClassObject> = {}): StorageClassObject => ({ metadata: { name: 'local-path' }, provisioner: 'berth.dev/local-path', ...o });
const claim = (spec: Record<string, unknown> = {}): PersistentVolumeClaimObject => ({
  metadata: { name: 'data', namespace: 'default', uid: 'u1' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});

describe('local-path provisioner', () => {
  let root: string;
  before(() => { root = mkdtempSync(join(tmpdir(), 'berth-local-path-test-')); });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('makes <root>/<pv> world-writable and describes it as a local PV pinned to the node', async () => {
    const p = localPathProvisioner({ root, nodeName: 'n1' });
    const pv = await p.provision({ pvName: 'pvc-u1', claim: claim(), storageClass: sc(), node: 'n1' });
    const dir = join(root, 'pvc-u1');
    assert.equal(statSync(dir).mode & 0o777, 0o777);
    assert.deepEqual(pv.spec, {
      capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', local: { path: dir },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } },
    });
    assert.equal(pinnedNode({ ...pv, metadata: { name: 'pvc-u1' } }), 'n1');
    assert.ok(p.owns({ ...pv, metadata: { name: 'pvc-u1' } }));
    // Idempotent: a retry finds its directory and its data.
    writeFileSync(join(dir, 'keep'), 'x');
    await p.provision({ pvName: 'pvc-u1', claim: claim(), storageClass: sc(), node: 'n1' });
    assert.ok(existsSync(join(dir, 'keep')));
    await p.delete({ ...pv, metadata: { name: 'pvc-u1' } });
    assert.equal(existsSync(dir), false);
    await p.delete({ ...pv, metadata: { name: 'pvc-u1' } }); // already gone: fine
  });

  it('refuses, as final errors, what one directory cannot give', async () => {
    const p = localPathProvisioner({ root });
    const refused = async (c: PersistentVolumeClaimObject, s = sc()) => {
      const e = await p.provision({ pvName: 'pvc-x', claim: c, storageClass: s, node: 'n1' }).then(() => undefined, (x: unknown) => x);
      assert.ok(e instanceof ProvisioningError && e.final, `expected a final ProvisioningError, got ${String(e)}`);
      return (e as Error).message;
    };
    assert.match(await refused(claim({ accessModes: ['ReadWriteMany'] })), /access mode ReadWriteMany is not supported .* ask for ReadWriteOnce/);
    assert.match(await refused(claim({ accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] })), /access mode ReadOnlyMany/);
    assert.match(await refused(claim({ volumeMode: 'Block' })), /volumeMode Block is not supported .* use volumeMode Filesystem/);
    assert.equal(await refused(claim({ selector: { matchLabels: { a: 'b' } } })), 'claim Selector is not supported');
    assert.match(await refused(claim({ dataSource: { kind: 'PersistentVolumeClaim', name: 'src' } })), /remove spec\.dataSource/);
    assert.match(await refused(claim(), sc({ parameters: { nodePath: '/x' } })), /invalid StorageClass parameter "nodePath"/);
    assert.match(await refused(claim(), sc({ mountOptions: ['ro'] })), /does not support mount options/);
    assert.equal(existsSync(join(root, 'pvc-x')), false, 'nothing was made');
    // ReadWriteOncePod is one node too.
    await p.provision({ pvName: 'pvc-rwop', claim: claim({ accessModes: ['ReadWriteOncePod'] }), storageClass: sc(), node: 'n1' });
  });

  it('only serves its node, and deletes nothing outside its own directory for the PV', async () => {
    const p = localPathProvisioner({ root, nodeName: 'n1' });
    const e = await p.provision({ pvName: 'pvc-y', claim: claim(), storageClass: sc(), node: 'n2' }).catch((x: ProvisioningError) => x);
    assert.ok(e instanceof ProvisioningError && e.reschedule && !e.final);
    const outside = join(root, 'elsewhere');
    mkdirSync(outside);
    const pv = { metadata: { name: 'pvc-z' }, spec: { local: { path: outside } } };
    await assert.rejects(p.delete(pv), /refusing to delete/);
    assert.ok(existsSync(outside));
    assert.equal(p.owns(pv), false);
    assert.equal(p.owns({ metadata: { name: 'pvc-z' }, spec: { local: { path: join(root, 'pvc-z') } } }), false, 'no affinity to n1');
  });
});
