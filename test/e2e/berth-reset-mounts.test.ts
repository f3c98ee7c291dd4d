// The built binary with a local-block volume on the linux runtime: the pods directory is on a
// shared mount while the volume is mounted; Ctrl-C leaves the pod and its mounts (pods outlive
// `berth up`); a second `berth up` re-adopts them without stacking a second bind of the pods
// directory; `berth reset` stops the pod, unmounts everything under the data directory, detaches
// the loop device and only then deletes the directory. Needs root and the runtime packages.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { preflight } from '../../src/kubelet/index.js';
import { kubectl, runProcess } from '../../src/testing/index.js';
import { isShared, mountOf, mountsUnder, readMounts, unmountAllUnder } from '../../src/volumes/index.js';
import { BERTH, berthStop, berthUp, loadSeedImage, type BerthUp } from './berth-process.js';
import { eventually, ok, writeManifest } from './helpers.js';
import { claim } from './storage-support.js';

const skip = (await preflight()).length ? 'needs root and the runtime packages' : undefined;

/** Loop devices whose backing file lies under dir. */
const loopsUnder = (dir: string) => execFileSync('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE']).toString()
  .split('\n').map((l) => l.trim()).filter((l) => l.split(/\s+/)[1]?.startsWith(dir));

describe('berth reset with a mounted block volume', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-reset-mounts-'));
  const data = join(dir, 'data');
  const pods = join(data, 'pods');
  let running: BerthUp | undefined;
  after(async () => {
    if (running && running.child.exitCode === null) await berthStop(running.child);
    if (existsSync(data)) await runProcess(BERTH, ['reset', '--data-dir', data, '--yes']);
    // Whatever a failed reset left: said, then cleaned.
    const left = [...mountsUnder(await readMounts(), dir).map((m) => m.mountPoint), ...loopsUnder(dir)];
    await unmountAllUnder(dir);
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(left, [], 'nothing left mounted or attached');
  });

  it('keeps one shared bind across a restart and unmounts everything before deleting the data directory', async () => {
    await loadSeedImage(join(dir, 'demo.tar'), data);
    running = await berthUp(data, 'linux');
    const k = kubectl('33', { kubeconfig: running.kubeconfig, home: dir });
    ok(await k(['apply', '-f', writeManifest(dir, 'claim.json', JSON.stringify(claim('data', { storageClassName: 'local-block', request: '64Mi' })))]));
    ok(await k(['apply', '-f', writeManifest(dir, 'pod.yaml', `
apiVersion: v1
kind: Pod
metadata: {name: holder}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: nginx:1.9.1
    command: [sh, -c, 'echo kept > /data/kept; exec sleep 100000']
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data}
`)]));
    await eventually(async () => (await k(['get', 'pod', 'holder', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', 'holder running', 120_000);
    const uid = ok(await k(['get', 'pod', 'holder', '-o', 'jsonpath={.metadata.uid}']));
    const volume = join(pods, uid, 'volumes', 'local-block', 'data');
    const mounted = async () => {
      const m = await readMounts();
      return { binds: m.filter((x) => x.mountPoint === pods).length, volume: m.some((x) => x.mountPoint === volume), shared: isShared(mountOf(m, pods)!) };
    };
    const first = await mounted();
    assert.ok(first.volume && first.shared, `the volume is mounted, the pods directory on a shared mount: ${JSON.stringify(first)}`);
    assert.ok(first.binds <= 1);

    assert.equal(await berthStop(running.child), 0, running.output());
    assert.deepEqual(await mounted(), first, 'the pod and its mounts outlive berth up');
    running = await berthUp(data, 'linux');
    const k2 = kubectl('33', { kubeconfig: running.kubeconfig, home: dir });
    assert.equal(ok(await k2(['exec', 'holder', '--', 'cat', '/data/kept'])).trim(), 'kept');
    assert.equal(ok(await k2(['get', 'pod', 'holder', '-o', 'jsonpath={.metadata.uid}'])), uid, 're-adopted, not recreated');
    assert.deepEqual(await mounted(), first, 'the same mounts: the bind re-adopted, not stacked');
    assert.equal(await berthStop(running.child), 0, running.output());

    const reset = await runProcess(BERTH, ['reset', '--data-dir', data, '--yes']);
    assert.equal(reset.code, 0, reset.stdout + reset.stderr);
    assert.match(reset.stdout, /stopped pod default\/holder/);
    assert.equal(existsSync(data), false, 'the data directory is gone');
    assert.deepEqual(mountsUnder(await readMounts(), data).map((m) => m.mountPoint), [], 'nothing mounted under it');
    assert.deepEqual(loopsUnder(data), [], 'no loop device over its images');
  });
});
