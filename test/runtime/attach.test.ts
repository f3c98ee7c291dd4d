// Attach on the linux runtime: a client connects to a running container's own process through
// conmon's attach socket. Without a tty, stdout and stderr arrive apart and stdin reaches the
// process; stdinOnce closes the container's stdin when the client's ends. With a tty (the
// `kubectl run -it` shape: stdin + tty), the client drives an interactive shell, resizes its
// terminal, and the session ends when the shell exits, whose exit code the container reports.
// A container without stdin can be attached for its output, and the client leaving ends the
// session without touching the container. Needs root; skipped otherwise.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { attachContainer } from '../../src/kubelet/runtime/linux/index.js';
import { containerConfig, fixture, sandboxConfig, sink, skipReason, teardown, until, type Fixture } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

describe('linux runtime: attach', { skip }, () => {
  let f: Fixture;
  let sb: string;
  before(async () => {
    f = await fixture('att', 214);
    sb = await f.runtime.runPodSandbox(sandboxConfig('attach'));
  });
  after(async () => {
    assert.deepEqual(await teardown(f), [], 'nothing of the runtime is left behind');
  });

  const start = async (name: string, command: string[], extra: Parameters<typeof containerConfig>[2] = {}) => {
    const id = await f.runtime.createContainer(sb, containerConfig(name, command, extra));
    await f.runtime.startContainer(id);
    return id;
  };
  const exited = (id: string) => until('exit', async () => (await f.runtime.listContainers()).find((c) => c.id === id && c.state === 'exited'));

  it('relays stdin to the process and its stdout and stderr apart; stdinOnce passes the client EOF on', async () => {
    const id = await start('plain', ['sh', '-c', 'read x; echo "got $x"; echo oops >&2; cat; echo "stdin closed"'], { stdin: true, stdinOnce: true });
    const out = sink(), err = sink();
    const stdin = new PassThrough();
    const session = attachContainer(f.runtime, id, { stdin, tty: false, stdout: out.stream, stderr: err.stream });
    stdin.write('hello\n');
    await until('the answer', async () => (out.text().includes('got hello') ? true : undefined));
    stdin.write('more\n');
    stdin.end();
    await session;
    assert.equal(out.text(), 'got hello\nmore\nstdin closed\n');
    assert.equal(err.text(), 'oops\n');
    assert.equal((await exited(id)).exitCode, 0);
  });

  it('drives an interactive shell on a tty (kubectl run -it): input, resize, exit code', async () => {
    const id = await start('shell', ['sh'], { stdin: true, stdinOnce: true, tty: true });
    const out = sink();
    const stdin = new PassThrough();
    const sizes = new PassThrough({ objectMode: true });
    const session = attachContainer(f.runtime, id, { stdin, tty: true, stdout: out.stream, resize: sizes });
    sizes.write({ width: 77, height: 21 });
    // The shell may not have printed its prompt yet; each line is answered once it runs.
    stdin.write('echo "sum=$((40+2))"\n');
    await until('the shell answered', async () => (out.text().includes('sum=42') ? true : undefined));
    await until('the resize', async () => {
      stdin.write('stty size\n');
      await new Promise((r) => setTimeout(r, 100));
      return out.text().includes('21 77') ? true : undefined;
    });
    stdin.write('exit 4\n');
    await session;
    sizes.end();
    const c = await exited(id);
    assert.equal(c.exitCode, 4);
  });

  it('attaches to the output of a container without stdin; the client leaving leaves it running', async () => {
    const id = await start('ticker', ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.05; done']);
    const out = sink();
    const ac = new AbortController();
    const session = attachContainer(f.runtime, id, { stdin: new PassThrough(), tty: false, stdout: out.stream, signal: ac.signal });
    await until('ticks', async () => ((out.text().match(/tick \d+\n/g) ?? []).length >= 3 ? true : undefined));
    ac.abort();
    await session;
    assert.match(out.text(), /^(tick \d+\n)+/);
    const c = (await f.runtime.listContainers()).find((x) => x.id === id);
    assert.equal(c?.state, 'running');
    await f.runtime.stopContainer(id, 0);
  });
});
