// Contract: what the streams layer (kubectl exec / logs / port-forward) needs from the linux
// runtime, over a LinuxRuntime instance:
// - execInContainer: `runc exec` (it joins every namespace of the container, its root, its
//   cgroups, its env/cwd/user and capabilities). With tty, runc allocates the pty and relays it
//   over its own stdio; a resize sets the pty's size from the host with `stty -F
//   /proc/<pid>/fd/0` (the exec'd process's controlling terminal), which also delivers SIGWINCH.
//   Resolves with the command's exit code (runc's own failures, e.g. a missing executable,
//   come back as its exit code with its message on stderr).
// - portForward: a tiny relay (this same Node binary, `-e`) started with `nsenter --net` in the
//   pod's network namespace connects to 127.0.0.1:<port> there and copies bytes both ways over
//   its stdio; a refused connection rejects with the relay's message.
// - attachContainer: the container's own process through conmon's attach socket
//   (`sock/<id>/attach`, SOCK_SEQPACKET: each packet from conmon is one stream byte, 2 stdout
//   or 3 stderr, then the bytes; what we send is written to the container's stdin, which
//   conmon keeps as a pipe only for containers with `stdin: true`). The session ends when the
//   container ends (conmon closes the socket) or the client goes; with stdinOnce, the client's
//   end of stdin closes the container's stdin. Resizes as for exec, on the container's pty.
// - containerLog / followContainerLog: the container's CRI log file, as kubectl shows it.
import { spawn } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Duplex, Readable, Writable } from 'node:stream';
import { RuntimeError } from '../types.js';
import { run } from './exec.js';
import { followLogFile, readLogFile, type LogOptions } from './logs.js';
import { isAlive, sleep } from './procs.js';
import { refreshContainer } from './container.js';
import type { RuntimeContext } from './context.js';

/** What these helpers need of a LinuxRuntime; structural, so runtime.ts can use them (execSync) without an import cycle. */
type LinuxRuntime = { context(): Promise<RuntimeContext> };

export interface TerminalSize { readonly width: number; readonly height: number }

export interface ExecStreams {
  readonly stdin?: Readable;
  readonly tty: boolean;
  readonly stdout: Writable;
  readonly stderr?: Writable;
  /** Terminal sizes as the client reports them (tty only). */
  readonly resize?: AsyncIterable<TerminalSize>;
  readonly signal?: AbortSignal;
}

async function runningContainer(rt: LinuxRuntime, containerId: string) {
  const ctx = await rt.context();
  const rec = ctx.containers.get(containerId);
  if (!rec) throw new RuntimeError(`container ${containerId} not found`);
  await refreshContainer(ctx, rec);
  if (rec.state !== 'running') throw new RuntimeError(`container ${rec.name} is not running (${rec.state})`);
  return { ctx, rec };
}

export async function execInContainer(rt: LinuxRuntime, containerId: string, command: readonly string[], io: ExecStreams): Promise<number> {
  const { ctx } = await runningContainer(rt, containerId);
  if (command.length === 0) throw new RuntimeError('exec: no command given');
  const pidFile = `${ctx.layout.containerDir(containerId)}/exec-${process.hrtime.bigint()}.pid`;
  const args = ['--root', ctx.layout.runcRoot, 'exec', '--pid-file', pidFile, ...(io.tty ? ['--tty'] : []), containerId, ...command];
  // runc's foreground tty mode wants a terminal on its own stdin (it relays between that and the
  // container's pty and forwards its size): `script` (util-linux) provides one over our pipes.
  const child = io.tty
    ? spawn('script', ['--quiet', '--return', '--echo', 'never', '--command', [ctx.tools.runc, ...args].map(shellQuote).join(' '), '/dev/null'],
      { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(ctx.tools.runc, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout.pipe(io.stdout, { end: false });
  child.stderr.pipe(io.stderr ?? io.stdout, { end: false });
  child.stdin.on('error', () => undefined);
  if (io.stdin) io.stdin.pipe(child.stdin); else child.stdin.end();
  // Killing runc alone would orphan the command inside the container: end the command itself first.
  const kill = () => {
    void readFile(pidFile, 'utf8').then((pid) => { try { process.kill(Number(pid.trim()), 'SIGKILL'); } catch { /* gone */ } }, () => undefined)
      .finally(() => child.kill('SIGKILL'));
  };
  io.signal?.addEventListener('abort', kill, { once: true });
  if (io.tty && io.resize) void applyResizes(io.resize, pidFile);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, sig) => resolve(code ?? (sig ? 137 : 1)));
    });
  } finally {
    io.signal?.removeEventListener('abort', kill);
    io.stdin?.unpipe(child.stdin);
    await rm(pidFile, { force: true });
  }
}

const shellQuote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

/**
 * Sets each size on the exec'd (or attached) process's terminal (its fd 0 is the container-side pty, opened
 * through /proc from the host); the kernel then sends it SIGWINCH.
 */
async function applyResizes(sizes: AsyncIterable<TerminalSize>, pidFile: string | undefined, knownPid?: number): Promise<void> {
  try {
    for await (const s of sizes) {
      let pid = knownPid ? String(knownPid) : '';
      for (let i = 0; i < 100 && !pid && pidFile; i++) {
        pid = (await readFile(pidFile, 'utf8').catch(() => '')).trim();
        if (!pid) await sleep(20);
      }
      if (pid) await run('stty', ['-F', `/proc/${pid}/fd/0`, 'rows', String(s.height), 'cols', String(s.width)]);
    }
  } catch { /* the session ended */ }
}

/** conmon's attach packet types (conmon src/conn_sock.h). */
const ATTACH_STDOUT = 2, ATTACH_STDERR = 3;
/** Below conmon's read size for attach packets, so nothing written to stdin is cut off. */
const ATTACH_CHUNK = 4096;

export async function attachContainer(rt: LinuxRuntime, containerId: string, io: ExecStreams): Promise<void> {
  const { ctx, rec } = await runningContainer(rt, containerId);
  // Loaded on first attach: a native addon nobody else needs should not slow every start.
  const { SeqpacketSocket } = await import('node-unix-socket');
  const sock = new SeqpacketSocket();
  const path = join(ctx.layout.sockets, rec.id, 'attach');
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    try { sock.connect(path, () => { sock.off('error', reject); resolve(); }); } catch (e) { reject(new RuntimeError(`attach to ${rec.name}: ${(e as Error).message}`)); }
  });
  const stdin = rec.stdin ? io.stdin : undefined;
  const onData = (d: Buffer) => { for (let i = 0; i < d.length; i += ATTACH_CHUNK) sock.write(d.subarray(i, i + ATTACH_CHUNK)); };
  // With stdinOnce the client's EOF is the container's; otherwise conmon keeps stdin open for the next client.
  const onEnd = () => { if (rec.stdinOnce) sock.end(); };
  stdin?.on('data', onData);
  stdin?.once('end', onEnd);
  if (rec.tty && io.resize && rec.proc) void applyResizes(io.resize, undefined, rec.proc.pid);
  try {
    await new Promise<void>((resolve) => {
      sock.on('data', (packet: Buffer) => {
        const kind = packet[0];
        const data = packet.subarray(1);
        if (kind === ATTACH_STDOUT) io.stdout.write(data);
        else if (kind === ATTACH_STDERR) (io.stderr ?? io.stdout).write(data);
      });
      sock.once('end', resolve);
      sock.once('close', resolve);
      sock.once('error', () => resolve());
      io.signal?.addEventListener('abort', () => resolve(), { once: true });
      if (io.signal?.aborted) resolve();
    });
  } finally {
    stdin?.off('data', onData);
    stdin?.off('end', onEnd);
    sock.destroy();
  }
}

const RELAY = `const s=require('net').connect(+process.argv[1],'127.0.0.1');
s.on('error',e=>{process.stderr.write(e.message);process.exit(1)});
s.on('connect',()=>{process.stdin.pipe(s);s.pipe(process.stdout)});
s.on('close',()=>process.exit(0));`;

export async function portForward(rt: LinuxRuntime, sandboxId: string, port: number, stream: Duplex): Promise<void> {
  const ctx = await rt.context();
  const sb = ctx.sandboxes.get(sandboxId);
  if (!sb || sb.state !== 'ready' || !(await isAlive(sb.pause))) throw new RuntimeError(`sandbox ${sandboxId} is not running`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RuntimeError(`invalid port ${port}`);
  const netns = sb.hostNetwork ? [] : [`--net=/proc/${sb.pause!.pid}/ns/net`];
  const child = spawn('nsenter', [...netns, '--', process.execPath, '-e', RELAY, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdin.on('error', () => undefined);
  stream.pipe(child.stdin);
  child.stdout.pipe(stream, { end: true });
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      stream.unpipe(child.stdin);
      if (code === 0) resolve();
      else reject(new RuntimeError(`port-forward to ${port} in pod ${sb.podNamespace}/${sb.podName}: ${err.trim() || `relay exited ${code}`}`));
    });
  });
}

/** Path of a container's log file (one per container attempt). */
export async function containerLogPath(rt: LinuxRuntime, containerId: string): Promise<string | undefined> {
  const rec = (await rt.context()).containers.get(containerId);
  return rec?.logPath;
}

export async function containerLog(rt: LinuxRuntime, containerId: string, opts: LogOptions = {}): Promise<string> {
  const path = await containerLogPath(rt, containerId);
  if (!path) throw new RuntimeError(`container ${containerId} not found`);
  return readLogFile(path, opts);
}

/** `kubectl logs -f`: what is there (per opts), then new lines until the container ends or the signal aborts. */
export async function followContainerLog(rt: LinuxRuntime, containerId: string, opts: LogOptions, onText: (text: string) => void,
  signal: AbortSignal): Promise<void> {
  const ctx = await rt.context();
  const rec = ctx.containers.get(containerId);
  if (!rec) throw new RuntimeError(`container ${containerId} not found`);
  const size = (await stat(rec.logPath).catch(() => undefined))?.size ?? 0;
  const first = await readLogFile(rec.logPath, opts);
  if (first) onText(first);
  await followLogFile(rec.logPath, size, { timestamps: opts.timestamps }, async () => {
    await refreshContainer(ctx, rec);
    return rec.state !== 'exited';
  }, onText, signal);
}
