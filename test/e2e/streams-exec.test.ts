// kubectl exec, attach and cp against the API server's pod streams, with every kubectl we
// ship: 1.27 speaks SPDY/3.1, 1.33 and 1.35 WebSocket v5. The pod's "container" is the host
// (test/e2e/streams-host.ts), so what is checked is the transport: bytes, stdin EOF, terminal
// sizes, exit codes and errors arriving as upstream's kubectl expects them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KUBECTL_VERSIONS, kubectlEnv, kubectlPath, type Kubectl } from '../../src/testing/index.js';
import { fails, ok } from './helpers.js';
import { createRunningPod, startStreamsCluster, type StreamsCluster } from './streams-host.js';

for (const version of KUBECTL_VERSIONS) {
  describe(`pod streams: exec, attach, cp with kubectl 1.${version}`, () => {
    let s: StreamsCluster;
    let k: Kubectl;
    before(async () => {
      s = await startStreamsCluster();
      k = s.cluster.kubectl(version);
    });
    after(async () => { await s?.stop(); });

    it('runs a command and prints its output', async () => {
      assert.equal(ok(await k(['exec', 'web-0', '--', 'sh', '-c', 'echo hi'])), 'hi\n');
      assert.deepEqual(s.host.execs.at(-1), { command: ['sh', '-c', 'echo hi'], tty: false });
    });

    it('keeps stderr apart from stdout', async () => {
      const r = await k(['exec', 'web-0', '--', 'sh', '-c', 'echo out; echo err >&2']);
      assert.equal(ok(r), 'out\n');
      assert.equal(r.stderr, 'err\n');
    });

    it('exits with the command\'s exit code', async () => {
      for (const code of [3, 7, 42]) {
        const r = await k(['exec', 'web-0', '--', 'sh', '-c', `echo before; exit ${code}`]);
        assert.equal(r.code, code, r.stderr);
        assert.equal(r.stdout, 'before\n');
        assert.match(r.stderr, new RegExp(`command terminated with exit code ${code}`));
      }
    });

    it('passes piped stdin and its end (`exec -i`)', async () => {
      assert.equal(ok(await k(['exec', '-i', 'web-0', '--', 'cat'], { input: 'some input\n' })), 'some input\n');
      // 4 MiB through stdin and back: backpressure both ways, EOF after the last byte.
      const big = randomBytes(2 * 1024 * 1024).toString('hex');
      const r = await k(['exec', '-i', 'web-0', '--', 'sh', '-c', 'wc -c; echo done'], { input: big });
      assert.equal(ok(r), `${big.length}\ndone\n`);
    });

    it('gives a terminal with its size (`exec -it`)', async () => {
      const before = s.host.resizes.length;
      // `script` gives kubectl a real terminal of a known size; the remote shell reads one line.
      const cmd = `stty cols 100 rows 30; ${kubectlPath(version)} exec -it web-0 -- sh -c 'read l; echo got:$l'`;
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: kubectlEnv({ kubeconfig: s.cluster.kubeconfig, home: s.cluster.dir }) });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (out += c));
      const timer = setInterval(() => child.stdin.write('hello\n'), 500);
      const code = await new Promise((resolve) => child.once('close', resolve));
      clearInterval(timer);
      assert.equal(code, 0, out);
      assert.match(out, /got:hello/);
      assert.deepEqual(s.host.execs.at(-1)?.tty, true);
      assert.deepEqual(s.host.resizes.slice(before)[0], { width: 100, height: 30 });
    });

    it('sends -it without a terminal as a plain session', async () => {
      const r = await k(['exec', '-it', 'web-0', '--', 'cat'], { input: 'piped\n' });
      assert.equal(ok(r), 'piped\n');
      assert.match(r.stderr, /Unable to use a TTY/);
      assert.equal(s.host.execs.at(-1)?.tty, false);
    });

    it('attaches to the container (`attach -i`)', async () => {
      assert.equal(ok(await k(['attach', '-i', 'web-0'], { input: 'attached\n' })), 'attached\n');
    });

    it('copies files both ways (`kubectl cp`)', async () => {
      const data = randomBytes(300 * 1024);
      const local = join(s.cluster.dir, `up-${version}.bin`);
      writeFileSync(local, data);
      const remoteDir = join(s.root, `cp-${version}`);
      mkdirSync(remoteDir);
      ok(await k(['cp', local, `web-0:${remoteDir}/up.bin`]), 'cp to the pod');
      assert.deepEqual(readFileSync(join(remoteDir, 'up.bin')), data);

      writeFileSync(join(remoteDir, 'down.txt'), 'hello from the pod\n');
      const back = join(s.cluster.dir, `down-${version}.txt`);
      ok(await k(['cp', `web-0:${remoteDir}/down.txt`, back]), 'cp from the pod');
      assert.equal(readFileSync(back, 'utf8'), 'hello from the pod\n');
    });

    it('prints upstream\'s error for an unknown container or pod', async () => {
      const e = fails(await k(['exec', 'web-0', '-c', 'nope', '--', 'true']));
      assert.match(e, /Error from server \(BadRequest\): container nope is not valid for pod web-0/);
      assert.match(fails(await k(['exec', 'zzz', '--', 'true'])), /Error from server \(NotFound\): pods "zzz" not found/);
    });

    it('picks the container with -c in a pod with several', async () => {
      await createRunningPod(s.cluster, `two-${version}`, ['a', 'b']);
      assert.equal(ok(await k(['exec', `two-${version}`, '-c', 'b', '--', 'echo', 'in b'])), 'in b\n');
    });
  });
}
