// rbd volumes on a real node (linux runtime, runc), driven through the real kubectl, with the
// FAKE rbd CLI of rbd-support.ts first on PATH (loop devices over sparse files of the test's temp
// dir; every call recorded, so the test sees exactly what upstream's plugin would have passed;
// no Ceph monitor is ever contacted, the fake talks to nothing). A pod's inline rbd volume is formatted
// ext4 once, keeps its data across pod recreation, and is unmounted and unmapped with its pod; a
// pre-bound PV with spec.rbd passes the Secret's key, and a claim volume's readOnly mounts it
// read-only. Nodes without --enable-rbd, or without the CLI, report a FailedMount that says
// what to do (issue #6). Needs root; skipped otherwise.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { controllerManager } from '../../src/cluster/index.js';
import { silentLogger } from '../../src/controller-runtime/index.js';
import { pvBinder } from '../../src/controllers/pv-binder/index.js';
import { nodeAgent, simRuntime, volumeManager } from '../../src/kubelet/index.js';
import { containerLog } from '../../src/kubelet/runtime/linux/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { mountsUnder, readMounts } from '../../src/volumes/index.js';
import { fixture, skipReason, teardown, type Fixture } from '../runtime/helpers.js';
import { eventually, ok, writeManifest } from './helpers.js';
import { FAST, podPhase } from './node-support.js';
import { fakeRbd, fsUuid, loopsUnder, type FakeRbd } from './rbd-support.js';
import { boundClaim, eventWith } from './storage-support.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

const NODE = 'berth-control-plane';
const OFF = 'rbd-off';
const MISSING = 'rbd-missing';
// Loopback only: the fake never connects, and nothing else may either.
const MONITORS = ['127.0.0.1:6789', '127.0.0.2:6789'];
const KEY = 'AQBGn1BlAAAAABAAcGVyLXRlc3Qta2V5LW5vdC1yZWFsAA==';

/** A pod on `node` with volume `data` from `volume` (YAML flow), running `script` then sleeping. */
function podYaml(name: string, node: string, script: string, volume: string): string {
  return `
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: busybox:test
    command: [sh, -c, '${script}; while true; do sleep 1; done']
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    ${volume}
`;
}

const inline = (image: string) => `rbd: {monitors: ${JSON.stringify(MONITORS)}, pool: kube, image: ${image}, fsType: ext4}`;

describe('rbd volumes through the rbd CLI', { skip }, () => {
  let c: TestCluster;
  let f: Fixture;
  let tmp: string;
  let rbd: FakeRbd;
  let podsDir: string;
  const stops: AbortController[] = [];
  const running: Promise<void>[] = [];

  const calls = () => rbd.calls();
  const mapped = () => rbd.mapped().join('\n');
  const logOf = async (name: string) => {
    const pod = await podPhase(c, name, 'Running');
    return () => containerLog(f.runtime, pod.status!.containerStatuses![0]!.containerID!.slice('runc://'.length));
  };

  before(async () => {
    f = await fixture('rbd', 221);
    tmp = mkdtempSync(join(tmpdir(), 'berth-rbd-'));
    rbd = fakeRbd(tmp);
    podsDir = join(f.dir, 'pods');
    // The node agent runs in this process: the fake comes first on its PATH.
    process.env.PATH = `${rbd.bin}:${process.env.PATH}`;
    c = await startTestCluster({ components: [controllerManager({ controllers: [pvBinder], logger: silentLogger, leaderElection: false })] });
    const run = (agent: ReturnType<typeof nodeAgent>) => {
      const ac = new AbortController();
      stops.push(ac);
      running.push(agent.run(c.client, ac.signal));
    };
    run(nodeAgent({
      nodeName: NODE, runtime: f.runtime, podCIDR: f.cidr, address: '172.18.0.2', ...FAST,
      volumes: volumeManager({ client: c.client, root: podsDir, enableRbd: true }),
    }));
    // Two more nodes, simulated: pods there fail at their volumes, before any container.
    run(nodeAgent({
      nodeName: OFF, runtime: simRuntime(), podCIDR: '10.244.8.0/21', address: '172.18.0.3', ...FAST,
      volumes: volumeManager({ client: c.client, root: join(tmp, 'pods-off') }),
    }));
    run(nodeAgent({
      nodeName: MISSING, runtime: simRuntime(), podCIDR: '10.244.16.0/21', address: '172.18.0.4', ...FAST,
      volumes: volumeManager({ client: c.client, root: join(tmp, 'pods-missing'), enableRbd: true, rbdCommand: join(tmp, 'no-ceph-common', 'rbd') }),
    }));
  });

  after(async () => {
    const k = c?.kubectl();
    if (k) await k(['delete', 'pod', '--all', '--wait=true', '--timeout=60s']);
    for (const ac of stops) ac.abort();
    await Promise.all(running);
    await c?.stop();
    // Whatever a failed test left: unmount, detach, then report it.
    const left: string[] = [];
    for (const m of podsDir ? mountsUnder(await readMounts(), podsDir) : []) {
      left.push(`mount ${m.mountPoint}`);
      try { execFileSync('umount', ['-l', m.mountPoint]); } catch { /* reported */ }
    }
    for (const dev of tmp ? loopsUnder(tmp) : []) {
      left.push(`loop ${dev}`);
      try { execFileSync('losetup', ['-d', dev]); } catch { /* reported */ }
    }
    const leaks = f ? await teardown(f) : [];
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    assert.deepEqual(leaks, [], 'nothing of the runtime is left behind');
    assert.deepEqual(left, [], 'no mount or loop device is left behind');
  });

  it('an inline rbd volume: mapped as upstream maps it, formatted once, kept across pod recreation, unmounted and unmapped with its pod', async () => {
    const k = c.kubectl();
    const manifest = writeManifest(c.dir, 'inline.yaml',
      podYaml('inline', NODE, 'test -f /data/hello || echo written by the first pod > /data/hello; cat /data/hello', inline('foo')));
    ok(await k(['apply', '-f', manifest]), 'apply');
    const log = await logOf('inline');
    await eventually(async () => /written by the first pod/.test(await log()), 'the pod wrote and read its file');
    // API defaulting filled user and keyring; no secret, so the keyring is passed.
    assert.ok(calls().includes(`map kube/foo --id admin -m ${MONITORS.join(',')} -k /etc/ceph/keyring`), calls().join('\n'));
    const [dev] = mapped().split(' ');
    assert.match(dev ?? '', /^\/dev\/loop\d+$/);
    const pod = await podPhase(c, 'inline', 'Running');
    const dir = join(podsDir, pod.metadata!.uid!, 'volumes', 'rbd', 'data');
    const m = (await readMounts()).find((x) => x.mountPoint === dir);
    assert.equal(m?.source, dev, 'the mapped device is mounted at the pod\'s volume directory');
    assert.equal(m?.fsType, 'ext4');
    const img = rbd.imageFile('kube', 'foo');
    const uuid = fsUuid(img);
    assert.ok(uuid, 'the blank image was formatted');

    ok(await k(['delete', 'pod', 'inline', '--wait=true', '--timeout=60s']), 'delete');
    assert.deepEqual(mountsUnder(await readMounts(), podsDir).map((x) => x.mountPoint), [], 'nothing mounted under the pods directory');
    assert.ok(calls().includes(`unmap ${dev}`), calls().join('\n'));
    assert.equal(mapped(), '', 'unmapped');
    assert.deepEqual(loopsUnder(tmp), [], 'no loop device left');

    // The same pod again: the image is mapped anew, found formatted, and keeps the file.
    ok(await k(['apply', '-f', manifest]), 'apply again');
    const log2 = await logOf('inline');
    await eventually(async () => /written by the first pod/.test(await log2()), 'the new pod reads the first pod\'s file');
    assert.equal(fsUuid(img), uuid, 'not formatted again');
    assert.equal(calls().filter((l) => l.startsWith('map ')).length, 2);
    ok(await k(['delete', 'pod', 'inline', '--wait=true', '--timeout=60s']), 'delete again');
    assert.equal(mapped(), '', 'unmapped again');
    assert.deepEqual(loopsUnder(tmp), [], 'no loop device left');
  });

  it('a PV with spec.rbd: the secretRef\'s key passed as --key=, a claim volume\'s readOnly honoured', async () => {
    const k = c.kubectl();
    ok(await k(['apply', '-f', writeManifest(c.dir, 'pv.yaml', `
apiVersion: v1
kind: Secret
metadata: {name: ceph-secret}
type: kubernetes.io/rbd
stringData: {key: ${KEY}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: rbd-pv}
spec:
  capacity: {storage: 64Mi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  claimRef: {namespace: default, name: rbd-claim}
  rbd:
    monitors: ${JSON.stringify(MONITORS)}
    pool: kube
    image: bar
    user: kube
    secretRef: {name: ceph-secret, namespace: default}
    fsType: ext4
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: rbd-claim}
spec:
  storageClassName: ""
  volumeName: rbd-pv
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 64Mi}}
`)]), 'apply');
    await boundClaim(c, 'rbd-claim');
    ok(await k(['apply', '-f', writeManifest(c.dir, 'writer.yaml',
      podYaml('writer', NODE, 'echo from the writer > /data/file; cat /data/file', 'persistentVolumeClaim: {claimName: rbd-claim}'))]), 'writer');
    const log = await logOf('writer');
    await eventually(async () => /from the writer/.test(await log()), 'the writer wrote');
    assert.ok(calls().includes(`map kube/bar --id kube -m ${MONITORS.join(',')} --key=${KEY}`), calls().join('\n'));
    ok(await k(['delete', 'pod', 'writer', '--wait=true', '--timeout=60s']), 'delete writer');
    assert.equal(mapped(), '', 'unmapped');

    ok(await k(['apply', '-f', writeManifest(c.dir, 'reader.yaml',
      podYaml('reader', NODE, 'cat /data/file; if echo x > /data/other; then echo WRITABLE; else echo READ-ONLY; fi',
        'persistentVolumeClaim: {claimName: rbd-claim, readOnly: true}'))]), 'reader');
    const log2 = await logOf('reader');
    await eventually(async () => /READ-ONLY|WRITABLE/.test(await log2()), 'the reader tried to write');
    assert.match(await log2(), /from the writer/);
    assert.match(await log2(), /READ-ONLY/);
    const pod = await podPhase(c, 'reader', 'Running');
    const m = (await readMounts()).find((x) => x.mountPoint === join(podsDir, pod.metadata!.uid!, 'volumes', 'rbd', 'data'));
    assert.match(m?.options ?? '', /^ro(,|$)/, 'mounted read-only');
    ok(await k(['delete', 'pod', 'reader', '--wait=true', '--timeout=60s']), 'delete reader');
    assert.equal(mapped(), '', 'unmapped');
    assert.deepEqual(mountsUnder(await readMounts(), podsDir).map((x) => x.mountPoint), [], 'nothing mounted');
  });

  it('a node without --enable-rbd, and one without the rbd CLI, say so in a FailedMount event', async () => {
    const k = c.kubectl();
    const before = calls().length;
    ok(await k(['apply', '-f', writeManifest(c.dir, 'refused.yaml', `${podYaml('not-enabled', OFF, 'true', inline('baz'))}---${podYaml('no-cli', MISSING, 'true', inline('baz'))}`)]), 'apply');
    const off = await eventWith(c, 'Pod', 'not-enabled', 'FailedMount');
    assert.equal(off.type, 'Warning');
    assert.equal(off.message, 'MountVolume.SetUp failed for volume "data" : rbd volumes are disabled on this node: ' +
      'start berth with --enable-rbd (needs the rbd CLI from Debian\'s ceph-common)');
    const missing = await eventWith(c, 'Pod', 'no-cli', 'FailedMount');
    assert.equal(missing.message, `MountVolume.SetUp failed for volume "data" : rbd: rbd cmd not found ` +
      `(${join(tmp, 'no-ceph-common', 'rbd')} is not an executable file): install the rbd CLI with apt-get install ceph-common`);
    const described = ok(await k(['describe', 'pod', 'not-enabled']));
    assert.match(described, /FailedMount .*start berth with --enable-rbd/);
    assert.equal(calls().length, before, 'neither node ran rbd');
    ok(await k(['delete', 'pod', 'not-enabled', 'no-cli', '--wait=true', '--timeout=60s']), 'delete');
  });
});
