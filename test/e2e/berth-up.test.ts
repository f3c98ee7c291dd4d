// The built binary as a user runs it: `berth up` prints the kubeconfig line, kubectl works,
// Ctrl-C stops it, and a second `berth up` on the same data directory has every object back.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { preflight } from '../../src/kubelet/index.js';
import { kubectl, runProcess } from '../../src/testing/index.js';
import { BERTH, berthStop, berthUp, loadSeedImage } from './berth-process.js';
import { SEED, eventually, ok } from './helpers.js';

const up = berthUp;
const stop = berthStop;

describe('berth up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-up-'));
  const dataDir = join(dir, 'data');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts, serves kubectl, stops on Ctrl-C and keeps every object across restarts', async () => {
    const first = await up(dataDir);
    assert.match(first.output(), /Berth is up in \d+ ms\./);
    assert.equal(first.kubeconfig, join(dataDir, 'kubeconfig'));
    const k = kubectl('33', { kubeconfig: first.kubeconfig, home: dir });
    assert.match(ok(await k(['get', 'ns'])), /^default\s+Active/m);
    ok(await k(['create', 'configmap', 'survivor', '--from-literal=hello=world']));
    const status = await runProcess(BERTH, ['status', '--data-dir', dataDir]);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /livez: ok\s+readyz: ok/);
    assert.equal(await stop(first.child), 0, first.output());
    assert.equal((await runProcess(BERTH, ['status', '--data-dir', dataDir])).code, 1, 'status says it is not running');

    const second = await up(dataDir);
    const k2 = kubectl('33', { kubeconfig: second.kubeconfig, home: dir });
    assert.equal(ok(await k2(['get', 'configmap', 'survivor', '-o', 'jsonpath={.data.hello}'])), 'world');
    assert.equal(await stop(second.child), 0);

    const reset = await runProcess(BERTH, ['reset', '--data-dir', dataDir, '--yes']);
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal(existsSync(dataDir), false);
  });

  it('says clearly when the address is taken', async () => {
    const first = await up(join(dir, 'a'));
    const port = /API:\s+https:\/\/127\.0\.0\.1:(\d+)/.exec(first.output())![1];
    const clash = await runProcess(BERTH, ['up', '--data-dir', join(dir, 'b'), '--listen', `127.0.0.1:${port}`, '--runtime', 'sim']);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
    assert.equal(await stop(first.child), 0);
  });

  it('rejects bad flags with the flag and the accepted values named', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--pod-cidr', '10.300.0.0/24'], /--pod-cidr: pod CIDR "10\.300\.0\.0\/24": an IPv4 a\.b\.c\.d\/n with 8 <= n <= 30 is expected/],
      [['--logging-format', 'yaml'], /--logging-format must be text or json, got "yaml"/],
      [['--v', 'loud'], /--v must be a whole number from 0 to 10, got "loud"/],
    ];
    for (const [flags, message] of cases) {
      const r = await runProcess(BERTH, ['up', '--data-dir', join(dir, 'flags'), '--listen', '127.0.0.1:0', '--runtime', 'sim', ...flags]);
      assert.equal(r.code, 1, flags.join(' '));
      assert.match(r.stderr, message);
    }
    assert.equal(existsSync(join(dir, 'flags', 'state.db')), false, 'nothing was started');
  });

  it('--logging-format json writes one JSON object per log line', async () => {
    const run = await up(join(dir, 'json'), 'sim', ['--logging-format', 'json', '--v', '4']);
    await eventually(async () => /"msg":"controller: caches synced, starting workers"/.test(run.output()), 'a controller log line', 20_000);
    assert.equal(await stop(run.child), 0, run.output());
    const logLines = run.output().split('\n').filter((l) => l.startsWith('{'));
    assert.ok(logLines.length > 0, run.output());
    for (const l of logLines) {
      let entry: { ts?: unknown; msg?: unknown } = {};
      assert.doesNotThrow(() => { entry = JSON.parse(l) as typeof entry; }, `not a JSON line: ${l}\n--- whole output:\n${run.output()}`);
      assert.equal(typeof entry.ts, 'number', l);
      assert.equal(typeof entry.msg, 'string', l);
    }
  });

  it('keeps volume contents and running pods across a restart (linux runtime)', async (t) => {
    if ((await preflight()).length) { t.skip('needs root and the runtime packages'); return; }
    const data = join(dir, 'real');
    await loadSeedImage(join(dir, 'demo.tar'), data);
    const first = await up(data, 'linux');
    try {
      const k = kubectl('33', { kubeconfig: first.kubeconfig, home: dir });
      ok(await k(['apply', '-f', join(SEED, 'statefulset.yaml')]));
      await eventually(async () => (await k(['get', 'sts', 'web', '-o', 'jsonpath={.status.readyReplicas}'])).stdout === '2', 'web ready', 120_000);
      ok(await k(['exec', 'web-0', '--', 'sh', '-c', 'echo hello $(hostname) > /usr/share/nginx/html/index.html']));
      const uid = ok(await k(['get', 'pod', 'web-0', '-o', 'jsonpath={.metadata.uid}']));
      assert.equal(await stop(first.child), 0);
      // A node keeps its pod CIDR (spec.podCIDR is immutable); the summary says so.
      const second = await up(data, 'linux', ['--pod-cidr', '10.245.0.0/24']);
      try {
        assert.match(second.output(), /pods:\s+10\.244\.0\.0\/24 \(kept from the first start; --pod-cidr 10\.245\.0\.0\/24 applies after berth reset\)/);
        const k2 = kubectl('33', { kubeconfig: second.kubeconfig, home: dir });
        assert.match(ok(await k2(['get', 'pod', 'web-0', '-o', 'jsonpath={.status.podIP}'])), /^10\.244\.0\.\d+$/);
        assert.equal(ok(await k2(['get', 'pod', 'web-0', '-o', 'jsonpath={.metadata.uid}'])), uid, 'the pod was re-adopted, not recreated');
        assert.equal(ok(await k2(['exec', 'web-0', '--', 'curl', '-s', 'localhost'])).trim(), 'hello web-0');
      } finally {
        await stop(second.child);
      }
    } finally {
      if (first.child.exitCode === null) await stop(first.child);
      const reset = await runProcess(BERTH, ['reset', '--data-dir', data, '--yes']);
      assert.equal(reset.code, 0, reset.stdout + reset.stderr);
    }
  });
});

