// Shared fixtures of the linux runtime tests: a busybox-static image built in a temp dir (one
// layer, plus a passwd/group), an ImageSource over it, a runtime on a private root with its own
// bridge and pod CIDR, and the leak check every test file runs in its after hook: no mounts,
// links, cgroups, processes or IPs of that root may remain.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, copyFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { linuxRuntime, preflight, type ImageSource, type LinuxRuntime } from '../../src/kubelet/runtime/linux/index.js';
import type { ContainerConfig, SandboxConfig } from '../../src/kubelet/index.js';

/** Why these tests cannot run here, or undefined when they can. */
export async function skipReason(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'linux runtime tests need root (they create namespaces, cgroups and links)';
  const problems = await preflight();
  if (problems.length) return `linux runtime tests skipped: ${problems.map((p) => p.message + (p.fix ? ` (${p.fix})` : '')).join('; ')}`;
  if (!existsSync('/bin/busybox')) return 'linux runtime tests need busybox-static (apt-get install -y --no-install-recommends busybox-static)';
  return undefined;
}

const APPLETS = ['sh', 'ls', 'cat', 'echo', 'sleep', 'hostname', 'id', 'env', 'wget', 'nc', 'ip', 'ps', 'pwd', 'true', 'false',
  'dd', 'head', 'tail', 'test', 'kill', 'httpd', 'mkdir', 'touch', 'stty', 'tty', 'grep', 'seq', 'printf', 'yes', 'tr', 'ifconfig'];

/** A one-layer image: busybox-static and its applets, /etc/passwd with root, nobody and app (1000). */
export async function busyboxLayer(dir: string): Promise<string> {
  const layer = join(dir, 'layer');
  for (const d of ['bin', 'etc', 'tmp', 'home/app', 'root', 'work']) await mkdir(join(layer, d), { recursive: true });
  await copyFile('/bin/busybox', join(layer, 'bin/busybox'));
  execFileSync('chmod', ['755', join(layer, 'bin/busybox')]);
  for (const a of APPLETS) await symlink('busybox', join(layer, 'bin', a));
  await writeFile(join(layer, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
  await writeFile(join(layer, 'etc/group'), 'root:x:0:\napp:x:1000:\nextra:x:2000:app\nnogroup:x:65534:\n');
  await writeFile(join(layer, 'work/hello.txt'), 'from the image\n');
  return layer;
}

export function imageSource(layer: string, config: Record<string, unknown> = {}): ImageSource {
  const known = (ref: string) => ref.includes('busybox');
  return {
    async resolveImage(ref) {
      if (!known(ref)) throw new Error(`image "${ref}" not present`);
      return { id: 'sha256:test', config: { Cmd: ['sh'], Env: ['PATH=/bin', 'FROM_IMAGE=yes'], ...config }, layerDirs: [layer] };
    },
    async status(ref) { return known(ref) ? { ref: 'docker.io/library/busybox@sha256:test', name: 'docker.io/library/busybox:test', sizeBytes: 1 } : undefined; },
    async pull(ref) { if (!known(ref)) throw new Error(`pull ${ref}: not found`); },
  };
}

export interface Fixture {
  dir: string; root: string; bridge: string; cidr: string; layer: string; tag: string;
  runtime: LinuxRuntime;
  fresh(): LinuxRuntime;
}

/** A runtime over a private root, bridge `bt<tag><pid>` and CIDR 10.<200+pid%50>.<octet>.0/24, cgroups under `berth-test-<tag>-<pid>`. */
export async function fixture(tag: string, octet: number): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), `berth-rt-${tag}-`));
  const layer = await busyboxLayer(dir);
  const root = join(dir, 'runtime');
  // Unique per process too: two runs of one file at once (two developers, or CI and a developer) must not share a bridge or subnet.
  const bridge = `bt${tag}${process.pid % 10000}`.slice(0, 15);
  const cidr = `10.${200 + (process.pid % 50)}.${octet}.0/24`;
  const fresh = () => linuxRuntime({ root, images: imageSource(layer), bridge, cgroupParent: `berth-test-${tag}-${process.pid}`, sweepIntervalMs: 200 });
  const runtime = fresh();
  await runtime.updateRuntimeConfig({ podCIDR: cidr });
  return { dir, root, bridge, cidr, layer, tag, runtime, fresh };
}

let seq = 0;
export function sandboxConfig(name: string, extra: Partial<SandboxConfig> = {}): SandboxConfig {
  return {
    podUid: `uid-${name}-${process.pid}-${seq++}`, podName: name, podNamespace: 'default', attempt: 0, hostname: name,
    hostNetwork: false, labels: {}, annotations: {}, ...extra,
  };
}

export function containerConfig(name: string, command: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    name, attempt: 0, image: 'busybox:test', imageRef: 'docker.io/library/busybox@sha256:test', command, args: [],
    env: [], mounts: [], tty: false, stdin: false, labels: {}, ...extra,
  };
}

/** Removes every sandbox the runtime knows, then reports what leaked (empty = clean). */
export async function teardown(f: Fixture): Promise<string[]> {
  const rt = f.fresh();
  for (const s of await rt.listPodSandboxes()) await rt.removePodSandbox(s.id).catch(() => undefined);
  for (const s of await rt.listPodSandboxes()) await rt.removePodSandbox(s.id).catch((e: Error) => console.error('teardown:', e.message));
  rt.close();
  const leaks = await leaksUnder(f.root, f.bridge, `berth-test-${f.tag}-${process.pid}`);
  try { execFileSync('ip', ['link', 'del', f.bridge], { stdio: 'ignore' }); } catch { /* already gone */ }
  await rm(f.dir, { recursive: true, force: true });
  return leaks;
}

/**
 * What is left of a runtime root: mounts and processes naming it, links on its bridge (and any
 * pod link of this host whose bridge is gone), IPs, records, and cgroups under its parent.
 * Scoped to the fixture, so tests of other files (or other people) running meanwhile do not count.
 */
export async function leaksUnder(root: string, bridge: string, cgroupParent: string): Promise<string[]> {
  const leaks: string[] = [];
  const mounts = await readFile('/proc/self/mountinfo', 'utf8');
  for (const l of mounts.split('\n')) if (l.includes(root)) leaks.push(`mount: ${l}`);
  const links = execFileSync('ip', ['-o', 'link', 'show']).toString();
  for (const l of links.split('\n')) {
    const name = /^\d+: ([^:@]+)/.exec(l)?.[1];
    if (name?.startsWith('bth') && (l.includes(` master ${bridge} `) || !l.includes(' master '))) leaks.push(`link: ${name}`);
  }
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(root)) leaks.push(`process ${pid}: ${cmd.replace(/\0/g, ' ').slice(0, 120)}`);
  }
  const ipam = await readdir(join(root, 'ipam')).catch(() => []);
  for (const ip of ipam) leaks.push(`ip: ${ip}`);
  for (const sub of ['sandboxes', 'containers']) {
    for (const id of await readdir(join(root, sub)).catch(() => [])) leaks.push(`${sub}/${id}`);
  }
  for (const h of await readdir('/sys/fs/cgroup').catch(() => [])) {
    const found = execFileSync('find', [join('/sys/fs/cgroup', h), '-type', 'd', '-path', `*/${cgroupParent}/*`], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString().trim();
    if (found) for (const d of found.split('\n')) leaks.push(`cgroup: ${d}`);
  }
  return leaks;
}

/** Polls `fn` until it returns a value that is not undefined, or fails after `ms`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** For tests with their own runtime (not a fixture): removes every sandbox, stops the watcher, drops the bridge; returns the leaks. */
export async function removeRuntime(rt: LinuxRuntime, root: string, bridge: string, cgroupParent: string): Promise<string[]> {
  for (const s of await rt.listPodSandboxes()) await rt.removePodSandbox(s.id).catch(() => undefined);
  rt.close();
  const leaks = await leaksUnder(root, bridge, cgroupParent);
  try { execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' }); } catch { /* already gone */ }
  return leaks;
}

/** A stream that keeps what is written to it, as text. */
export function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => { text += d.toString(); });
  return { stream, text: () => text };
}
