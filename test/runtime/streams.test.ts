// The stream helpers of the linux runtime: exec (output, exit code, stdin, tty with resize),
// port-forward into the pod's network namespace, and following a log. Needs root; else skipped.
import assert from 'node:assert/strict';
import { Duplex, PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { execInContainer, followContainerLog, portForward } from '../../src/kubelet/runtime/linux/index.js';
import { containerConfig, fixture, sandboxConfig, sink, skipReason, teardown, type Fixture } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

describe('linux runtime: exec, port-forward, logs', { skip }, () => {
  let f: Fixture;
  let sb: string;
  let ctr: string;
  before(async () => {
    f = await fixture('str', 215);
    sb = await f.runtime.runPodSandbox(sandboxConfig('streams'));
    ctr = await f.runtime.createContainer(sb, containerConfig('web', ['sh', '-c',
      'mkdir -p /www && echo "served by $(hostname)" > /www/index.html && httpd -p 127.0.0.1:8080 -h /www; i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.1; done'],
    { env: [{ name: 'GREETING', value: 'hi' }], workingDir: '/tmp' }));
    await f.runtime.startContainer(ctr);
  });
  after(async () => {
    assert.deepEqual(await teardown(f), [], 'nothing of the runtime is left behind');
  });

  it('returns output and the exit code, in the container environment', async () => {
    const out = sink();
    const err = sink();
    const t = performance.now();
    const code = await execInContainer(f.runtime, ctr, ['sh', '-c', 'echo "$GREETING from $(hostname) in $(pwd)"; echo oops >&2; exit 3'],
      { tty: false, stdout: out.stream, stderr: err.stream });
    const ms = performance.now() - t;
    assert.equal(code, 3);
    assert.equal(out.text(), 'hi from streams in /tmp\n');
    assert.equal(err.text(), 'oops\n');
    console.log(`# exec round trip ${ms.toFixed(1)} ms`);
  });

  it('feeds stdin and reports a missing command', async () => {
    const out = sink();
    const stdin = new PassThrough();
    const done = execInContainer(f.runtime, ctr, ['sh', '-c', 'tr a-z A-Z'], { tty: false, stdin, stdout: out.stream });
    stdin.end('shout\n');
    assert.equal(await done, 0);
    assert.equal(out.text(), 'SHOUT\n');
    const err = sink();
    const code = await execInContainer(f.runtime, ctr, ['no-such-binary'], { tty: false, stdout: sink().stream, stderr: err.stream });
    assert.notEqual(code, 0);
    assert.match(err.text(), /no-such-binary.*not found/);
  });

  it('ends the command inside the container when the session is aborted', async () => {
    const ac = new AbortController();
    const started = execInContainer(f.runtime, ctr, ['sh', '-c', 'echo $$ > /tmp/exec.pid; exec sleep 1000'], { tty: false, stdout: sink().stream, signal: ac.signal });
    const pidOut = sink();
    let pid = '';
    for (let i = 0; i < 100 && !pid; i++) {
      await new Promise((r) => setTimeout(r, 30));
      await execInContainer(f.runtime, ctr, ['sh', '-c', 'cat /tmp/exec.pid 2>/dev/null'], { tty: false, stdout: pidOut.stream });
      pid = pidOut.text().trim();
    }
    assert.ok(pid, 'the exec started');
    ac.abort();
    await started;
    // Killed, it may linger a moment as a zombie of the container's init: that counts as gone.
    const left = sink();
    await execInContainer(f.runtime, ctr, ['sh', '-c',
      `for i in $(seq 1 20); do case "$(grep State /proc/${pid}/status 2>/dev/null)" in ''|*zombie*) echo gone; exit;; esac; sleep 0.1; done; echo alive`],
    { tty: false, stdout: left.stream });
    assert.equal(left.text(), 'gone\n');
  });

  it('runs with a tty and applies a resize', async () => {
    const out = sink();
    const stdin = new PassThrough();
    async function* sizes() { yield { width: 100, height: 40 }; }
    const done = execInContainer(f.runtime, ctr, ['sh', '-c', 'sleep 0.5; tty; stty size'], { tty: true, stdin, stdout: out.stream, resize: sizes() });
    const code = await done;
    stdin.end();
    assert.equal(code, 0);
    assert.match(out.text(), /\/dev\/pts\/\d+\r?\n40 100/);
  });

  it('forwards a port to 127.0.0.1 inside the pod', async () => {
    const toPod = new PassThrough();
    const fromPod = sink();
    const fwd = portForward(f.runtime, sb, 8080, Duplex.from({ readable: toPod, writable: fromPod.stream }));
    toPod.end('GET /index.html HTTP/1.0\r\n\r\n');
    await fwd;
    assert.match(fromPod.text(), /^HTTP\/1\.[01] 200/);
    assert.match(fromPod.text(), /served by streams/);
    const closed = new PassThrough();
    closed.end();
    await assert.rejects(portForward(f.runtime, sb, 9, Duplex.from({ readable: closed, writable: sink().stream })), /refused/i);
  });

  it('follows a log until told to stop', async () => {
    const ac = new AbortController();
    let text = '';
    const following = followContainerLog(f.runtime, ctr, { tailLines: 1 }, (t) => {
      text += t;
      if ((text.match(/tick/g) ?? []).length >= 4) ac.abort();
    }, ac.signal);
    await following;
    const ticks = [...text.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
    assert.ok(ticks.length >= 4);
    for (let i = 1; i < ticks.length; i++) assert.equal(ticks[i], ticks[i - 1]! + 1, 'lines in order, none lost');
  });
});

