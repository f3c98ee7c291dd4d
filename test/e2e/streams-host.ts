// A PodStreams for tests that runs everything on the host: exec runs the command with
// child_process in a temp dir that stands for the container's filesystem (so `kubectl cp`'s tar
// works), attach talks to a fresh `cat`, logs come from an in-memory log with timestamps, and
// port-forward connects to TCP servers the test registers on 127.0.0.1.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { ExecResult, LogOptions, PodStreams, ProcessIO, TerminalSize } from '../../src/apiserver/index.js';
import type { RunningCluster } from '../../src/cluster/index.js';
import { badRequest, Pods } from '../../src/core/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import type { Pod } from 'kubernetes-types/core/v1.js';

interface LogLine { readonly time: Date; readonly text: string }
interface ContainerLog { current: LogLine[]; previous?: LogLine[]; ended: boolean; wake: Set<() => void> }

export class HostPodStreams implements PodStreams {
  /** Every terminal size a session received, in order. */
  readonly resizes: TerminalSize[] = [];
  /** Every exec's command and whether it had a tty, in order. */
  readonly execs: Array<{ command: readonly string[]; tty: boolean }> = [];
  readonly #logs = new Map<string, ContainerLog>();
  readonly #ports = new Map<number, number>();

  constructor(readonly root: string) {}

  /** Pod port → a local port on 127.0.0.1 the forwarded connections reach. */
  forward(podPort: number, localPort: number): void { this.#ports.set(podPort, localPort); }

  log(pod: string, container: string): ContainerLog {
    let l = this.#logs.get(`${pod}/${container}`);
    if (!l) this.#logs.set(`${pod}/${container}`, l = { current: [], ended: false, wake: new Set() });
    return l;
  }

  appendLog(pod: string, container: string, text: string, time = new Date()): void {
    const l = this.log(pod, container);
    l.current.push({ time, text });
    for (const w of l.wake) w();
  }

  /** The container "stops": followers see the end of the log. */
  endLog(pod: string, container: string): void {
    const l = this.log(pod, container);
    l.ended = true;
    for (const w of l.wake) w();
  }

  async exec(_pod: Pod, _container: string, command: readonly string[], io: ProcessIO, signal: AbortSignal): Promise<ExecResult> {
    this.execs.push({ command, tty: io.tty });
    this.#recordResizes(io);
    return await run(command[0], command.slice(1), this.root, io, signal);
  }

  async attach(_pod: Pod, _container: string, io: ProcessIO, signal: AbortSignal): Promise<ExecResult> {
    this.#recordResizes(io);
    return await run('cat', [], this.root, io, signal);
  }

  async logs(pod: Pod, container: string, opts: LogOptions, signal: AbortSignal): Promise<AsyncIterable<Buffer>> {
    const name = pod.metadata?.name ?? '';
    const l = this.log(name, container);
    if (opts.previous && !l.previous) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    const lines = opts.previous ? l.previous! : l.current;
    const since = opts.sinceTime ?? (opts.sinceSeconds !== undefined ? new Date(Date.now() - opts.sinceSeconds * 1000) : undefined);
    const format = (x: LogLine) => Buffer.from(`${opts.timestamps ? `${x.time.toISOString().replace(/\.(\d+)Z$/, '.$1000000Z')} ` : ''}${x.text}\n`);
    const follow = opts.follow && !opts.previous;
    return (async function* () {
      let selected = lines.filter((x) => !since || x.time >= since);
      if (opts.tailLines !== undefined) selected = selected.slice(Math.max(0, selected.length - opts.tailLines));
      for (const x of selected) yield format(x);
      let next = lines.length;
      while (follow && !signal.aborted) {
        while (next < lines.length) yield format(lines[next++]);
        if (l.ended) return;
        await new Promise<void>((resolve) => {
          const wake = () => { l.wake.delete(wake); signal.removeEventListener('abort', wake); resolve(); };
          l.wake.add(wake);
          signal.addEventListener('abort', wake);
        });
      }
    })();
  }

  portForward(_pod: Pod, port: number, stream: Duplex, signal: AbortSignal): Promise<void> {
    const target = this.#ports.get(port);
    return new Promise((resolve, reject) => {
      if (target === undefined) { reject(new Error(`dial tcp4 127.0.0.1:${port}: connect: connection refused`)); return; }
      const sock = connect(target, '127.0.0.1');
      let connected = false;
      sock.once('connect', () => {
        connected = true;
        stream.pipe(sock);
        sock.pipe(stream);
      });
      sock.once('error', (e) => { if (!connected) reject(e); });
      sock.once('close', () => resolve());
      stream.once('close', () => sock.destroy());
      signal.addEventListener('abort', () => sock.destroy(), { once: true });
    });
  }

  #recordResizes(io: ProcessIO): void {
    if (!io.resize) return;
    void (async () => { for await (const size of io.resize!) this.resizes.push(size); })();
  }
}

/** Runs a process with the session's streams; a tty merges stderr into stdout, as a terminal does. */
function run(bin: string, args: readonly string[], cwd: string, io: ProcessIO, signal: AbortSignal): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd, stdio: 'pipe', env: { PATH: process.env.PATH, HOME: cwd, LANG: 'C.UTF-8' } });
    const kill = () => child.kill('SIGKILL');
    signal.addEventListener('abort', kill, { once: true });
    child.stdin.on('error', () => undefined); // the process may exit before reading all of stdin
    if (io.stdin) io.stdin.pipe(child.stdin);
    else child.stdin.end();
    const out = io.stdout;
    const err = io.tty ? io.stdout : io.stderr;
    if (out) child.stdout.pipe(out, { end: false }); else child.stdout.resume();
    if (err) child.stderr.pipe(err, { end: false }); else child.stderr.resume();
    child.once('error', () => { signal.removeEventListener('abort', kill); resolve({ exitCode: 127 }); });
    child.once('close', (code, sig) => {
      signal.removeEventListener('abort', kill);
      io.stdin?.unpipe(child.stdin);
      resolve({ exitCode: code ?? (sig ? 128 + 9 : 1) });
    });
  });
}

/** A test cluster whose pod streams run on the host, with a Running pod `web-0` (container nginx). */
export interface StreamsCluster {
  readonly cluster: TestCluster;
  readonly host: HostPodStreams;
  /** The directory that stands for the containers' filesystem. */
  readonly root: string;
  stop(): Promise<void>;
}

export async function startStreamsCluster(): Promise<StreamsCluster> {
  const root = mkdtempSync(join(tmpdir(), 'berth-pod-root-'));
  const host = new HostPodStreams(root);
  const cluster = await startTestCluster({ podStreams: host });
  await createRunningPod(cluster, 'web-0', ['nginx'], { app: 'web' });
  return {
    cluster, host, root,
    async stop() {
      await cluster.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Creates a pod through the API and marks it Running through pods/status, as a node agent would. */
export async function createRunningPod(cluster: RunningCluster, name: string, containers: readonly string[],
  labels: Record<string, string> = {}, phase = 'Running'): Promise<void> {
  const pod = await cluster.client.create(Pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels },
    spec: { nodeName: 'node-1', containers: containers.map((c) => ({ name: c, image: 'nginx:1.9.1' })) },
  });
  await cluster.client.updateStatus(Pods, { ...pod, status: { phase } });
}
