// kubectl logs against the API server's pods/log stream with kubectl 1.27, 1.33 and 1.35:
// --tail, --timestamps, --since, --limit-bytes, --previous, -f (follows, ends with the
// container), and the client-side fan-outs (-c, --all-containers, -l).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { KUBECTL_VERSIONS, kubectlEnv, kubectlPath, type Kubectl } from '../../src/testing/index.js';
import { fails, ok } from './helpers.js';
import { createRunningPod, startStreamsCluster, type StreamsCluster } from './streams-host.js';

const lines = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `line ${from + i}\n`).join('');

for (const version of KUBECTL_VERSIONS) {
  describe(`pod streams: logs with kubectl 1.${version}`, () => {
    let s: StreamsCluster;
    let k: Kubectl;
    before(async () => {
      s = await startStreamsCluster();
      k = s.cluster.kubectl(version);
      const hourAgo = new Date(Date.now() - 3600_000);
      for (let i = 1; i <= 5; i++) s.host.appendLog('web-0', 'nginx', `line ${i}`, i <= 2 ? hourAgo : new Date());
    });
    after(async () => { await s?.stop(); });

    it('prints the log, its tail, and only what is recent', async () => {
      assert.equal(ok(await k(['logs', 'web-0'])), lines(5));
      assert.equal(ok(await k(['logs', 'web-0', '--tail=2'])), lines(2, 4));
      assert.equal(ok(await k(['logs', 'web-0', '--since=30m'])), lines(3, 3));
      assert.equal(ok(await k(['logs', 'web-0', '--since-time', new Date(Date.now() - 1800_000).toISOString()])), lines(3, 3));
      assert.equal(ok(await k(['logs', 'web-0', '--limit-bytes=10'])), 'line 1\nlin');
    });

    it('prefixes timestamps', async () => {
      const out = ok(await k(['logs', 'web-0', '--timestamps', '--tail=1']));
      assert.match(out, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line 5\n$/);
    });

    it('shows the previous instance, or upstream\'s error when there is none', async () => {
      const e = fails(await k(['logs', 'web-0', '--previous']));
      assert.match(e, /Error from server \(BadRequest\): previous terminated container "nginx" in pod "web-0" not found/);
      s.host.log('web-0', 'nginx').previous = [{ time: new Date(), text: 'before the restart' }];
      assert.equal(ok(await k(['logs', 'web-0', '-p'])), 'before the restart\n');
    });

    it('follows new lines and ends when the container stops (`logs -f`)', async () => {
      await createRunningPod(s.cluster, 'follow-0', ['app']);
      s.host.appendLog('follow-0', 'app', 'first');
      const child = spawn(kubectlPath(version), ['logs', '-f', 'follow-0'], { env: kubectlEnv({ kubeconfig: s.cluster.kubeconfig, home: s.cluster.dir }) });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (out += c));
      const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
      const waitFor = async (text: string) => {
        for (let i = 0; i < 100 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(out.includes(text), `no ${text} in ${out}`);
      };
      await waitFor('first\n');
      s.host.appendLog('follow-0', 'app', 'second');
      await waitFor('second\n');
      s.host.appendLog('follow-0', 'app', 'third');
      s.host.endLog('follow-0', 'app');
      assert.equal(await closed, 0, out);
      assert.equal(out, 'first\nsecond\nthird\n');
    });

    it('fans out over containers and pods on the client (-c, --all-containers, -l)', async () => {
      await createRunningPod(s.cluster, 'multi-0', ['a', 'b'], { app: 'multi' });
      await createRunningPod(s.cluster, 'multi-1', ['a', 'b'], { app: 'multi' });
      for (const p of ['multi-0', 'multi-1']) for (const c of ['a', 'b']) s.host.appendLog(p, c, `${p}/${c}`);
      assert.equal(ok(await k(['logs', 'multi-0', '-c', 'b'])), 'multi-0/b\n');
      const defaulted = await k(['logs', 'multi-0']);
      assert.equal(ok(defaulted), 'multi-0/a\n');
      assert.match(defaulted.stderr, /Defaulted container "a" out of: a, b/);
      // Newer kubectl fetches the containers in parallel: the order is not fixed.
      const all = ok(await k(['logs', 'multi-0', '--all-containers'])).split('\n').filter(Boolean).sort();
      assert.deepEqual(all, ['multi-0/a', 'multi-0/b']);
      const byLabel = ok(await k(['logs', '-l', 'app=multi', '--all-containers'])).split('\n').filter(Boolean).sort();
      assert.deepEqual(byLabel, ['multi-0/a', 'multi-0/b', 'multi-1/a', 'multi-1/b']);
      const e = fails(await k(['logs', 'multi-0', '-c', 'nope']));
      assert.match(e, /container nope is not valid for pod multi-0/);
    });
  });
}
