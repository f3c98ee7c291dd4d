// Contract: one app container = one runc container under its own conmon (Debian's `conmon`,
// the supervisor CRI-O uses with runc). Why conmon: a container started with `runc --detach`
// is reparented to the host's init, so its exit status would be lost; conmon is a ~1 MB C
// process that stays its parent (subreaper), writes the CRI-format log file (stdout/stderr,
// `<RFC3339Nano> <stream> <P|F> <text>`), writes exits/<id> with the exit code when it ends,
// and outlives the agent, so exits during an agent restart are not lost.
//
// Root filesystem: overlayfs (image layers as lowerdir, per-container upper/work) mounted in a
// mount namespace made just for conmon (`unshare --mount` + `mount` + exec conmon); runc builds
// the container's own mount namespace from that one, which is a fresh copy of the HOST's (so
// volume mounts made after the sandbox started are seen). Nothing is mounted on the host: the
// overlay goes away with the last process that uses it. The namespace is a slave of the host's
// (`--propagation slave`, as container runtimes make theirs): the host's unmounts reach it, so
// another pod's volume that was mounted when this one started is not held here after the host
// let it go (the volume manager keeps the pods directory on a shared mount for that), and
// nothing mounted in here shows on the host.
import { watch } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RuntimeError, type ContainerConfig } from '../types.js';
import { cgroupDirsOf, cgroupsPathFor, oomKills, swapAccounting } from './cgroups.js';
import { runc, runcDelete, type RuntimeContext } from './context.js';
import { cleanMessage } from './exec.js';
import { procRef, signalName, signalProc, sleep, isAlive } from './procs.js';
import { removeTree, writeJson, type ContainerRecord, type SandboxRecord } from './records.js';
import { containerSpec, effectiveCaps, type OciNamespace } from './spec.js';
import { resolveUser } from './user.js';
import { buildProcess } from './process.js';
import { spawnProgram } from './spawner.js';

export function containerFile(ctx: RuntimeContext, id: string): string {
  return join(ctx.layout.containerDir(id), 'container.json');
}

export async function saveContainer(ctx: RuntimeContext, rec: ContainerRecord): Promise<void> {
  await writeJson(containerFile(ctx, rec.id), rec);
}

let bounding: bigint | undefined;
/** The agent's capability bounding set: what it can hand on at most. */
async function boundingSet(): Promise<bigint | undefined> {
  if (bounding === undefined) {
    const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(await readFile('/proc/self/status', 'utf8').catch(() => ''));
    if (m) bounding = BigInt(`0x${m[1]}`);
  }
  return bounding;
}

function joinedNamespaces(sb: SandboxRecord): OciNamespace[] {
  const ns = (type: string, name: string) => ({ type, path: `/proc/${sb.pause!.pid}/ns/${name}` });
  const out: OciNamespace[] = [ns('ipc', 'ipc'), sb.sharePid ? ns('pid', 'pid') : { type: 'pid' }];
  if (!sb.hostNetwork) out.push(ns('uts', 'uts'), ns('network', 'net'));
  return out;
}

/**
 * Writes the bundle (image, user, process, mounts resolved now); nothing runs yet. As in
 * containerd, the runc container is created and started by startContainer, so a command that
 * cannot be executed is a start failure (StartError, exit code 128), as upstream reports it.
 */
export async function createContainer(ctx: RuntimeContext, sb: SandboxRecord, rec: ContainerRecord,
  config: ContainerConfig): Promise<void> {
  const dir = ctx.layout.containerDir(rec.id);
  try {
    const image = await ctx.images.resolveImage(config.imageRef || config.image).catch((e: Error) => {
      throw new RuntimeError(`image ${config.image}: ${e.message}`, 'CreateContainerError');
    });
    const sec = config.securityContext ?? {};
    const user = await resolveUser({
      imageUser: image.config.User, layerDirs: image.layerDirs, runAsUser: sec.runAsUser, runAsGroup: sec.runAsGroup,
      supplementalGroups: sec.supplementalGroups,
    });
    const proc = buildProcess(config, image.config, user.home, sb.hostname);
    rec.stopSignal = image.config.StopSignal;
    for (const d of ['upper', 'work', 'rootfs', 'bundle', 'persist']) await mkdir(join(dir, d), { recursive: true });
    await mkdir(join(rec.logPath, '..'), { recursive: true });
    const privileged = sec.privileged === true;
    const spec = containerSpec({
      rootfs: join(dir, 'rootfs'), readonlyRootfs: sec.readOnlyRootFilesystem === true, args: proc.args, env: proc.env, cwd: proc.cwd,
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids }, terminal: config.tty,
      join: joinedNamespaces(sb),
      etcFiles: ['hosts', 'hostname', 'resolv.conf'].map((name) => ({ name, path: join(ctx.layout.sandboxDir(sb.id), 'etc', name) })),
      volumes: config.mounts.map((m) => ({ containerPath: m.containerPath, hostPath: m.hostPath, readOnly: m.readOnly })),
      caps: effectiveCaps(sec.capabilities?.add, sec.capabilities?.drop, privileged, await boundingSet()), privileged,
      resources: config.resources, cgroupsPath: cgroupsPathFor(ctx.cgroupMode, ctx.cgroupParent, sb.id, rec.id), swapAccounting: await swapAccounting(ctx.cgroupMode),
    });
    await writeJson(join(dir, 'bundle', 'config.json'), spec);
    const layers = [...image.layerDirs].reverse().join(':');
    rec.overlay = `lowerdir=${layers},upperdir=${join(dir, 'upper')},workdir=${join(dir, 'work')}`;
    rec.state = 'created';
    await saveContainer(ctx, rec);
  } catch (e) {
    await runcDelete(ctx, rec.id).catch(() => undefined);
    await removeTree(dir);
    await rm(rec.logPath, { force: true });
    if (e instanceof RuntimeError) throw e;
    throw new RuntimeError((e as Error).message, 'CreateContainerError');
  }
}

/**
 * Runs conmon in its own mount namespace (a slave of the host's) holding the overlay; resolves
 * with the container's PID. conmon reports it on its "sync pipe" (fd 3, api-version 1) and writes there again when
 * the container ends; a real pipe would break (SIGPIPE kills conmon before it records the exit)
 * once the agent that held the other end is gone, so fd 3 is a plain file we watch instead.
 */
async function launchConmon(ctx: RuntimeContext, rec: ContainerRecord, dir: string, overlayOpts: string): Promise<number> {
  const args = [
    '--mount', '--propagation', 'slave', '--', '/bin/sh', '-c', 'mount -t overlay overlay -o "$1" "$2" || exit 125; shift 2; exec "$@"',
    'sh', overlayOpts, join(dir, 'rootfs'),
    ctx.tools.conmon, '--api-version', '1', '-b', join(dir, 'bundle'), '-c', rec.id, '-u', rec.id, '-n', rec.name,
    '-r', ctx.tools.runc, '--runtime-arg', `--root=${ctx.layout.runcRoot}`, '-p', join(dir, 'pid'), '-P', join(dir, 'conmon.pid'),
    '-l', `k8s-file:${rec.logPath}`, '--exit-dir', ctx.layout.exits, '-0', join(dir, 'persist'),
    '--socket-dir-path', ctx.layout.sockets, '--log-level', 'error', ...(rec.tty ? ['-t'] : []),
    // stdin: a pipe that only attached clients write to; without stdinOnce it stays open when they leave.
    ...(rec.stdin ? ['-i', ...(rec.stdinOnce ? [] : ['--leave-stdin-open'])] : []),
  ];
  const syncPath = join(dir, 'sync.json');
  const errLog = await open(join(dir, 'conmon.log'), 'a');
  const sync = await open(syncPath, 'w');
  // conmon's write to the sync file wakes us through inotify; a slow poll covers a missed event.
  // (Polling every few ms in each of many parallel starts cost the agent most of its CPU.)
  let wake: (() => void) | undefined;
  const watcher = watch(syncPath, () => wake?.());
  watcher.unref();
  let firstExit: number | null | undefined;
  try {
    let exitedOnce: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => { exitedOnce = resolve; });
    spawnProgram({
      cmd: 'unshare', args, stdio: ['ignore', 'ignore', errLog.fd, sync.fd], detached: true, cwd: dir,
      env: { ...process.env, _OCI_SYNCPIPE: '3' }, timeoutMs: 120_000,
    }).then((r) => { firstExit = r.code; }, () => { firstExit = -1; }).finally(() => { exitedOnce(); wake?.(); });
    const until = Date.now() + 60_000;
    for (;;) {
      const m = /\{[^}]*\}/.exec(await readFile(syncPath, 'utf8').catch(() => ''));
      if (m) {
        const msg = JSON.parse(m[0]) as { data?: number; message?: string };
        if (typeof msg.data === 'number' && msg.data > 0) {
          // The first conmon process writes conmon.pid and then exits: wait for that, so the pid is there to read.
          await Promise.race([exited, sleep(2000)]);
          return msg.data;
        }
        throw new RuntimeError(cleanMessage(msg.message ?? 'runc create failed'), 'RunContainerError');
      }
      // The first conmon process exits 0 once it has forked its daemon; anything else before a message is a failure.
      if (firstExit !== undefined && firstExit !== 0) {
        const why = await readFile(join(dir, 'conmon.log'), 'utf8').catch(() => '');
        throw new RuntimeError(cleanMessage(why) || `conmon exited with ${firstExit}`, 'RunContainerError');
      }
      if (Date.now() > until) throw new RuntimeError('runc create did not finish within 60s', 'RunContainerError');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        wake = () => { clearTimeout(t); resolve(); };
      });
    }
  } finally {
    watcher.close();
    await errLog.close();
    await sync.close();
  }
}

export async function startContainer(ctx: RuntimeContext, rec: ContainerRecord): Promise<void> {
  const dir = ctx.layout.containerDir(rec.id);
  // The process may run (and even end) before `runc start` returns: the start time is taken before.
  const startedAt = Date.now();
  let failure: string | undefined;
  try {
    const pid = await launchConmon(ctx, rec, dir, rec.overlay ?? '');
    rec.proc = await procRef(pid);
    rec.conmon = await procRef(Number((await readFile(join(dir, 'conmon.pid'), 'utf8').catch(() => '0')).trim()));
    rec.cgroupDirs = await cgroupDirsOf(pid);
    await saveContainer(ctx, rec);
    const r = await runc(ctx, ['start', rec.id]);
    if (r.code !== 0) failure = cleanMessage(r.stderr) || `runc start exited with ${r.code}`;
  } catch (e) {
    failure = (e as Error).message;
  }
  if (failure !== undefined) {
    await runcDelete(ctx, rec.id).catch(() => undefined);
    Object.assign(rec, { state: 'exited', exitCode: 128, reason: 'StartError', message: failure, startedAt, finishedAt: Date.now() });
    await saveContainer(ctx, rec);
    throw new RuntimeError(failure, 'RunContainerError');
  }
  rec.state = 'running';
  rec.startedAt = startedAt;
  await saveContainer(ctx, rec);
}

/** Reads exits/<id> once conmon wrote it; undefined while the container runs. */
async function exitFileOf(ctx: RuntimeContext, id: string): Promise<{ code: number; at: number } | undefined> {
  const file = ctx.layout.exitFile(id);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined || text.trim() === '') return undefined;
  const st = await stat(file).catch(() => undefined);
  return { code: Number(text.trim()), at: st?.mtimeMs ?? Date.now() };
}

/**
 * Brings a running record up to date: exited when conmon wrote the exit file, or when
 * both the container and its conmon are gone without one (killed from outside; code 255 as
 * CRI-O reports an unknown status). Returns true if the record changed to exited.
 */
export async function refreshContainer(ctx: RuntimeContext, rec: ContainerRecord): Promise<boolean> {
  // Only a running container can end by itself; a created one may be half-way through startContainer.
  if (rec.state !== 'running') return false;
  const exit = await exitFileOf(ctx, rec.id);
  if (exit) {
    const oom = (await stat(join(ctx.layout.containerDir(rec.id), 'persist', 'oom')).catch(() => undefined)) !== undefined
      || (await oomKills(rec.cgroupDirs)) > 0;
    Object.assign(rec, {
      state: 'exited', exitCode: exit.code, finishedAt: Math.max(Math.round(exit.at), rec.startedAt ?? 0),
      reason: oom ? 'OOMKilled' : exit.code === 0 ? 'Completed' : 'Error',
    });
  } else if (!(await isAlive(rec.proc)) && !(await isAlive(rec.conmon))) {
    Object.assign(rec, { state: 'exited', exitCode: 255, reason: 'Unknown', message: 'the container process ended while nothing supervised it', finishedAt: Date.now() });
  } else {
    return false;
  }
  rec.startedAt ??= rec.finishedAt;
  await saveContainer(ctx, rec);
  return true;
}

// refreshContainer changes the state behind TypeScript's narrowing: read it afresh.
const exited = (rec: ContainerRecord): boolean => rec.state === 'exited';

/** Polls until the record says exited (whoever noticed: this loop, the exit watcher, a sweep). */
async function waitExited(ctx: RuntimeContext, rec: ContainerRecord, until: number, stepMs: number): Promise<boolean> {
  for (;;) {
    await refreshContainer(ctx, rec);
    if (exited(rec)) return true;
    if (Date.now() >= until) return false;
    await sleep(stepMs);
  }
}

/** Stop signal (image STOPSIGNAL or SIGTERM), up to `timeoutSeconds` of grace, then SIGKILL. */
export async function stopContainer(ctx: RuntimeContext, rec: ContainerRecord, timeoutSeconds: number): Promise<void> {
  await refreshContainer(ctx, rec);
  if (exited(rec)) return;
  if (rec.state === 'created') {
    // Started half-way (an agent crash between conmon and `runc start`): runc's init is waiting; end it.
    if (rec.proc) await runcDelete(ctx, rec.id);
    Object.assign(rec, { state: 'exited', exitCode: 0, reason: 'Completed', finishedAt: Date.now() });
    rec.startedAt ??= rec.finishedAt;
    await saveContainer(ctx, rec);
    return;
  }
  if (timeoutSeconds > 0) {
    await signalProc(rec.proc, signalName(rec.stopSignal));
    const until = Date.now() + timeoutSeconds * 1000;
    if (await waitExited(ctx, rec, until, 50)) return;
  }
  await signalProc(rec.proc, 'SIGKILL');
  if (!(await waitExited(ctx, rec, Date.now() + 10_000, 20))) throw new Error(`container ${rec.id} (pid ${rec.proc?.pid}) did not exit after SIGKILL`);
}

/** Stops if needed, then deletes runc's state (and with it the container's cgroups), files and log. */
export async function removeContainer(ctx: RuntimeContext, rec: ContainerRecord): Promise<void> {
  if (rec.state !== 'exited') await stopContainer(ctx, rec, 0);
  await runcDelete(ctx, rec.id);
  await rm(ctx.layout.exitFile(rec.id), { force: true });
  await rm(join(ctx.layout.sockets, rec.id), { force: true, recursive: true });
  await rm(rec.logPath, { force: true });
  await removeTree(ctx.layout.containerDir(rec.id));
}
