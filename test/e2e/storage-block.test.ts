// local-block volumes and Memory emptyDirs on a real node (linux runtime, runc, loop devices),
// driven through the real kubectl: a 1Gi claim holds about 1Gi and a pod writing more gets
// ENOSPC; raising the request to 2Gi grows the filesystem while the pod keeps running (or, on a
// node without CAP_SYS_RESOURCE, when the next pod mounts it, keeping the data); the
// pod's teardown leaves no mount and no loop device; deleting the claim removes the image.
// A Memory emptyDir is a tmpfs of its sizeLimit. A pod started while another pod's volume is
// mounted gets a slave copy of that mount (the pods directory is a shared mount, conmon's
// namespace a slave of the host's), which the host's unmount reaches: the volume's loop device
// goes with its pod (issue #6). Needs root; skipped otherwise.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { controllerManager } from '../../src/cluster/index.js';
import { silentLogger } from '../../src/controller-runtime/index.js';
import { provisionerController } from '../../src/controllers/provisioner/index.js';
import { pvBinder } from '../../src/controllers/pv-binder/index.js';
import { pvcProtection } from '../../src/controllers/pvc-protection/index.js';
import { pvProtection } from '../../src/controllers/pv-protection/index.js';
import { schedulerController } from '../../src/controllers/scheduler/index.js';
import { volumeExpandController } from '../../src/controllers/volume-expand/index.js';
import { nodeAgent, volumeManager } from '../../src/kubelet/index.js';
import { containerLog } from '../../src/kubelet/runtime/linux/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { loopDevicesOf, mountsUnder, readMounts } from '../../src/volumes/index.js';
import { fixture, skipReason, teardown, type Fixture } from '../runtime/helpers.js';
import { eventually, ok, tableRows, writeManifest } from './helpers.js';
import { FAST, getPod, podPhase } from './node-support.js';
import { eventsFor, getClaim, getVolume, gone } from './storage-support.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

const NODE = 'berth-control-plane';
const GI = 1024 * 1024; // in KiB, as df -k counts

/** Cleans up what a failed test may have left: mounts under dir, loop devices over images under root. */
async function forceClean(podsDir: string, root: string): Promise<string[]> {
  const left: string[] = [];
  for (const m of mountsUnder(await readMounts(), podsDir)) {
    left.push(`mount ${m.mountPoint}`);
    try { execFileSync('umount', ['-l', m.mountPoint]); } catch { /* reported */ }
  }
  const out = execFileSync('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE']).toString();
  for (const line of out.split('\n')) {
    const [dev, file] = line.trim().split(/\s+/);
    if (dev && file?.startsWith(root)) {
      left.push(`loop ${dev} ${file}`);
      try { execFileSync('losetup', ['-d', dev]); } catch { /* reported */ }
    }
  }
  return left;
}

/** Mount points in a process's mount namespace whose path starts with prefix, with their propagation tags. */
function mountsOf(pid: number, prefix: string): string[] {
  return readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').map((l) => l.split(' '))
    .filter((f) => f[4]?.startsWith(prefix)).map((f) => `${f[4]} ${f.slice(6, f.indexOf('-')).join(' ')}`.trim());
}

/** Whether this process may grow a mounted ext4 (CAP_SYS_RESOURCE, bit 24 of the effective set). */
const ONLINE_RESIZE = ((BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0'}`) >> 24n) & 1n) === 1n;

/** A pod on claim `claim` that runs `first`, then logs `df -k /data` every 0.2 s. */
function podYaml(name: string, first: string, claim = 'data'): string {
  return `
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: busybox:test
    command: [sh, -c]
    args:
    - |
      ${first}
      while true; do echo "df $(busybox df -k /data | tail -1)"; sleep 0.2; done
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: ${claim}}
`;
}

/** The last `df -k` line the container logged: [total, used] KiB. */
function lastDf(log: string): [number, number] | undefined {
  const lines = log.split('\n').filter((l) => l.startsWith('df '));
  const f = lines.at(-1)?.split(/\s+/);
  return f ? [Number(f[2]), Number(f[3])] : undefined;
}

describe('local-block volumes on a real node', { skip }, () => {
  let c: TestCluster;
  let f: Fixture;
  let root: string;
  let podsDir: string;
  const ac = new AbortController();
  let running: Promise<void> | undefined;

  before(async () => {
    f = await fixture('blk', 217);
    root = mkdtempSync(join(tmpdir(), 'berth-block-volumes-'));
    podsDir = join(f.dir, 'pods');
    const controllers = [
      pvBinder, pvcProtection, pvProtection, schedulerController,
      provisionerController({ root, nodeName: NODE }), volumeExpandController({ root, nodeName: NODE }),
    ];
    c = await startTestCluster({ components: [controllerManager({ controllers, logger: silentLogger, leaderElection: false })] });
    running = nodeAgent({
      nodeName: NODE, runtime: f.runtime, podCIDR: f.cidr, address: '172.18.0.2', ...FAST,
      volumes: volumeManager({ client: c.client, root: podsDir, resizeCheckIntervalMs: 200 }),
    }).run(c.client, ac.signal);
  });

  after(async () => {
    const k = c?.kubectl();
    if (k) await k(['delete', 'pod', '--all', '--wait=true', '--timeout=60s']);
    ac.abort();
    await running;
    await c?.stop();
    const leftovers = f ? await forceClean(podsDir, root) : [];
    if (f) assert.deepEqual(await teardown(f), [], 'nothing of the runtime is left behind');
    rmSync(root, { recursive: true, force: true });
    assert.deepEqual(leftovers, [], 'no mount or loop device is left behind');
  });

  it('holds about 1Gi, fails with ENOSPC past it, grows to 2Gi (online where the node may), and leaves nothing behind', async () => {
    const k = c.kubectl();
    const manifest = writeManifest(c.dir, 'block.yaml', `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  storageClassName: local-block
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
${podYaml('writer', 'dd if=/dev/zero of=/data/big bs=1M count=1127 2>&1 | head -1; echo "dd exit $?"; busybox rm -f /data/big; echo kept > /data/keep')}`);
    assert.match(ok(await k(['get', 'sc', 'local-block'])), /^local-block\s+berth\.dev\/local-block\s+Delete\s+WaitForFirstConsumer\s+true\s/m);
    ok(await k(['apply', '-f', manifest]), 'apply');
    const pod = await podPhase(c, 'writer', 'Running');
    const id = pod.status!.containerStatuses![0]!.containerID!.slice('runc://'.length);
    const log = () => containerLog(f.runtime, id);
    await eventually(async () => /dd exit/.test(await log()), 'dd finished', 60_000);
    assert.match(await log(), /No space left on device/);

    const claim = await getClaim(c, 'data');
    assert.equal(claim.status?.capacity?.storage, '1Gi');
    const pv = await getVolume(c, claim.spec!.volumeName!);
    const img = pv.spec!.local!.path!;
    assert.equal(img, join(root, 'block', `${pv.metadata!.name}.img`));
    const pvRow = tableRows(ok(await k(['get', 'pv', pv.metadata!.name!])))[1]!;
    assert.deepEqual([pvRow[1], pvRow[2], pvRow[3], pvRow[4], pvRow[5], pvRow[6]], ['1Gi', 'RWO', 'Delete', 'Bound', 'default/data', 'local-block']);

    const [total1] = await eventually(async () => lastDf(await log()), 'df before');
    assert.ok(total1 > 0.9 * GI && total1 <= GI, `a 1Gi volume holds about 1Gi: ${total1} KiB`);
    const mount = (await readMounts()).find((m) => m.mountPoint.startsWith(`${podsDir}/`) && m.fsType === 'ext4');
    assert.match(mount?.source ?? '', /^\/dev\/loop\d+$/, 'mounted from a loop device');
    assert.deepEqual(await loopDevicesOf(img), [mount!.source], 'one loop device over the image');

    // Shrinking is refused by validation; growing goes through.
    const shrink = await k(['patch', 'pvc', 'data', '-p', '{"spec":{"resources":{"requests":{"storage":"512Mi"}}}}']);
    assert.notEqual(shrink.code, 0);
    assert.match(shrink.stderr, /can not be less than/);
    ok(await k(['patch', 'pvc', 'data', '-p', '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}']), 'grow');
    const pvName = pv.metadata!.name!;
    await eventually(async () => (await getVolume(c, pvName)).spec?.capacity?.storage === '2Gi', 'PV capacity 2Gi');
    let reader = 'writer';
    if (!ONLINE_RESIZE) {
      // This machine drops CAP_SYS_RESOURCE: the node says so, and the claim waits for a pod to (re-)start.
      await eventually(async () => (await eventsFor(c, 'PersistentVolumeClaim', 'data'))
        .find((e) => e.reason === 'FileSystemResizeFailed' && /needs CAP_SYS_RESOURCE/.test(e.message)), 'FileSystemResizeFailed');
      const waiting = await getClaim(c, 'data');
      assert.equal(waiting.status?.capacity?.storage, '1Gi');
      assert.equal(waiting.status?.allocatedResourceStatuses?.storage, 'NodeResizePending');
      assert.equal(waiting.status?.conditions?.[0]?.type, 'FileSystemResizePending');
      ok(await k(['delete', 'pod', 'writer', '--wait=true', '--timeout=60s']), 'delete pod');
      reader = 'reader';
      ok(await k(['apply', '-f', writeManifest(c.dir, 'reader.yaml', podYaml(reader, 'cat /data/keep'))]), 'reader');
    }
    const grown = await eventually(async () => {
      const cl = await getClaim(c, 'data');
      return cl.status?.capacity?.storage === '2Gi' && cl;
    }, 'claim capacity 2Gi', 30_000);
    assert.equal(grown.status?.conditions, undefined, 'no resize condition left');
    assert.equal(grown.status?.allocatedResources?.storage, '2Gi');
    assert.equal(grown.status?.allocatedResourceStatuses, undefined);
    const running = await podPhase(c, reader, 'Running');
    const log2 = () => containerLog(f.runtime, running.status!.containerStatuses![0]!.containerID!.slice('runc://'.length));
    const [total2] = await eventually(async () => { const d = lastDf(await log2()); return d && d[0] > 1.9 * GI && d; }, 'df after', 15_000);
    assert.ok(total2 <= 2 * GI, `${total2} KiB`);
    assert.match(await log2(), /^kept$/m, 'the data written before is still there');
    if (ONLINE_RESIZE) assert.equal(running.status!.containerStatuses![0]!.restartCount, 0, 'grown online, the container kept running');
    const claimRow = tableRows(ok(await k(['get', 'pvc', 'data'])))[1]!;
    assert.equal(claimRow[3], '2Gi');
    const reasons = (await eventsFor(c, 'PersistentVolumeClaim', 'data')).map((e) => `${e.reason}: ${e.message}`);
    for (const want of [
      'ExternalExpanding: waiting for an external controller to expand this PVC',
      `Resizing: External resizer is resizing volume ${pvName}`,
      'FileSystemResizeRequired: Require file system resize of volume on node',
      `FileSystemResizeSuccessful: MountVolume.NodeExpandVolume succeeded for volume "${pvName}" ${NODE}`,
    ]) assert.ok(reasons.includes(want), `${want}\nin:\n${reasons.join('\n')}`);

    ok(await k(['delete', 'pod', reader, '--wait=true', '--timeout=60s']), 'delete pod');
    assert.deepEqual(mountsUnder(await readMounts(), podsDir).map((m) => m.mountPoint), [], 'no mount left');
    await eventually(async () => (await loopDevicesOf(img)).length === 0, 'loop device detached');

    ok(await k(['delete', 'pvc', 'data', '--wait=true', '--timeout=60s']), 'delete claim');
    await gone(() => getVolume(c, pv.metadata!.name!), 'PV');
    assert.ok(!existsSync(img), 'the image is removed with its Delete-policy PV');
  });

  it('mounts a Memory emptyDir as a tmpfs of its sizeLimit and unmounts it with the pod', async () => {
    const k = c.kubectl();
    const manifest = writeManifest(c.dir, 'tmpfs.yaml', `
apiVersion: v1
kind: Pod
metadata: {name: cache}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: busybox:test
    command: [sh, -c, 'dd if=/dev/zero of=/cache/big bs=1M count=20 2>&1 | head -1; echo "dd exit $?"; while true; do sleep 1; done']
    volumeMounts: [{name: cache, mountPath: /cache}]
  volumes:
  - name: cache
    emptyDir: {medium: Memory, sizeLimit: 16Mi}
`);
    ok(await k(['apply', '-f', manifest]), 'apply');
    const pod = await podPhase(c, 'cache', 'Running');
    const dir = join(podsDir, pod.metadata!.uid!, 'volumes', 'empty-dir', 'cache');
    const m = (await readMounts()).find((x) => x.mountPoint === dir);
    assert.equal(m?.fsType, 'tmpfs');
    assert.match(m!.superOptions, /(^|,)size=16384k(,|$)/);
    const id = pod.status!.containerStatuses![0]!.containerID!.slice('runc://'.length);
    await eventually(async () => /dd exit/.test(await containerLog(f.runtime, id)), 'dd finished');
    assert.match(await containerLog(f.runtime, id), /No space left on device/);
    ok(await k(['delete', 'pod', 'cache', '--wait=true', '--timeout=60s']), 'delete pod');
    assert.deepEqual(mountsUnder(await readMounts(), podsDir).map((x) => x.mountPoint), [], 'tmpfs unmounted');
  });

  it('a pod started while another\'s volume is mounted does not hold it: the loop device goes with that pod, the other keeps running (issue #6)', async () => {
    const k = c.kubectl();
    ok(await k(['apply', '-f', writeManifest(c.dir, 'holder.yaml', `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: held}
spec:
  storageClassName: local-block
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 64Mi}}
---
${podYaml('holder', 'echo hello > /data/hello', 'held')}`)]), 'holder');
    const holder = await podPhase(c, 'holder', 'Running');
    const volDir = join(podsDir, holder.metadata!.uid!, 'volumes', 'local-block', 'data');
    const pv = await getVolume(c, (await getClaim(c, 'held')).spec!.volumeName!);
    const img = pv.spec!.local!.path!;
    const [dev] = await loopDevicesOf(img);
    assert.match(dev ?? '', /^\/dev\/loop\d+$/);
    assert.equal((await readMounts()).find((m) => m.mountPoint === volDir)?.source, dev, 'the holder\'s volume is mounted from the loop device');

    ok(await k(['apply', '-f', writeManifest(c.dir, 'bystander.yaml', `
apiVersion: v1
kind: Pod
metadata: {name: bystander}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: busybox:test
    command: [sh, -c, 'i=0; while true; do i=$((i+1)); echo $i > /tmp/alive; sleep 0.2; done']
`)]), 'bystander');
    const bystander = await podPhase(c, 'bystander', 'Running');
    const bId = bystander.status!.containerStatuses![0]!.containerID!.slice('runc://'.length);
    const conmon = Number(readFileSync(join(f.root, 'containers', bId, 'conmon.pid'), 'utf8').trim());
    const app = Number(readFileSync(join(f.root, 'containers', bId, 'pid'), 'utf8').trim());
    const sandbox = (await f.runtime.listPodSandboxes()).find((s) => s.podName === 'bystander')!;
    const pause = Number(readFileSync(join(f.root, 'sandboxes', sandbox.id, 'pause.pid'), 'utf8').trim());
    // The bystander's conmon namespace was copied from the host's while the volume was mounted:
    // its copy must be a slave, which the host's unmount reaches. (Removing the holder's
    // directory would drop a private copy too, Linux >= 3.18, so the tag is what tells.)
    const copy = mountsOf(conmon, volDir);
    assert.equal(copy.length, 1, `the bystander's conmon namespace has a copy of the volume: ${copy.join('; ')}`);
    assert.match(copy[0]!, /\bmaster:\d+/, 'a slave copy, which the host\'s unmount reaches');
    assert.deepEqual(mountsOf(app, podsDir), [], 'the bystander\'s container holds nothing of the pods directory');
    assert.deepEqual(mountsOf(pause, podsDir), [], 'neither does its pause');

    ok(await k(['delete', 'pod', 'holder', '--wait=true', '--timeout=60s']), 'delete holder');
    assert.deepEqual(mountsOf(conmon, volDir), [], 'the unmount reached the bystander\'s conmon namespace');
    // Detached now, not merely marked autoclear behind a copy that holds it.
    await eventually(async () => (await loopDevicesOf(img)).length === 0, 'loop device detached', 5_000);
    assert.deepEqual(mountsUnder(await readMounts(), podsDir).map((m) => m.mountPoint), [], 'nothing mounted under the pods directory, its shared bind included');

    ok(await k(['delete', 'pvc', 'held', '--wait=true', '--timeout=60s']), 'delete claim');
    await gone(() => getVolume(c, pv.metadata!.name!), 'PV');
    assert.ok(!existsSync(img), 'the image is removed with its Delete-policy PV');
    const backing = execFileSync('losetup', ['--list', '--noheadings', '--output', 'BACK-FILE']).toString();
    assert.ok(!backing.includes(img), `no loop device holds the deleted image's space:\n${backing}`);

    // The bystander was not disturbed: same container, still running, still writing.
    const now = await getPod(c, 'bystander');
    assert.equal(now.status?.phase, 'Running');
    assert.equal(now.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal(now.status?.containerStatuses?.[0]?.containerID, bystander.status!.containerStatuses![0]!.containerID);
    const count = readFileSync(`/proc/${app}/root/tmp/alive`, 'utf8');
    await eventually(async () => readFileSync(`/proc/${app}/root/tmp/alive`, 'utf8') !== count, 'the bystander keeps writing');
    ok(await k(['delete', 'pod', 'bystander', '--wait=true', '--timeout=60s']), 'delete bystander');
  });
});
