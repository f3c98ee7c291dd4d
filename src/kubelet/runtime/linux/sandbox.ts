// Contract: a pod sandbox = a runc container running `catatonit -P` (the pause) that holds the
// pod's IPC namespace and, unless hostNetwork, its UTS (hostname) and network namespaces, plus
// a PID namespace that app containers join only with shareProcessNamespace (upstream's rule:
// otherwise each container is PID 1 of its own). Its rootfs is a read-only directory holding
// catatonit alone. The network is wired after the pause runs; /etc files are written before.
// The pause makes no mount namespace of its own: runc's (rslave by default, the old root
// detached after pivot_root) holds only that rootfs, so no host volume mount is kept there.
// startSandbox undoes everything it did when any step fails; stopSandbox and removeSandbox
// keep going past failures and report them at the end, so a retry converges.
import { chmod, copyFile, mkdir, readFile, rename, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RuntimeError, type SandboxConfig } from '../types.js';
import { cgroupDirsOf, cgroupsPathFor, parentsOf, removeCgroupDirs } from './cgroups.js';
import { runc, runcDelete, type RuntimeContext } from './context.js';
import { cleanMessage, run } from './exec.js';
import { detachPod, hostSideBatch, podSideBatch, vethName } from './network.js';
import { writePodFiles } from './pod-files.js';
import { procRef, signalProc, waitGone } from './procs.js';
import { removeTree, writeJson, type SandboxRecord } from './records.js';
import { pauseSpec } from './spec.js';

export async function ensurePauseRootfs(ctx: RuntimeContext): Promise<void> {
  const target = join(ctx.layout.pauseRootfs, 'catatonit');
  const have = await stat(target).catch(() => undefined);
  if (have?.isFile()) return;
  await mkdir(ctx.layout.pauseRootfs, { recursive: true });
  await copyFile(ctx.tools.catatonit, `${target}.tmp`);
  await chmod(`${target}.tmp`, 0o755);
  await rename(`${target}.tmp`, target);
}

export function sandboxFile(ctx: RuntimeContext, id: string): string {
  return join(ctx.layout.sandboxDir(id), 'sandbox.json');
}

export async function saveSandbox(ctx: RuntimeContext, rec: SandboxRecord): Promise<void> {
  await writeJson(sandboxFile(ctx, rec.id), rec);
}

/**
 * `runc run --detach` of the pause, then (unless $7, the veth, is empty) the pod network: a veth
 * pair with its pod end created inside the pause's network namespace as eth0, the host end on
 * the bridge, then address, lo, route inside (network.ts has the pieces). Exit 90: runc failed
 * (its log says why); 92/93: the host or pod side of the network.
 */
const START_SANDBOX = `
"$1" --root "$2" --log "$3" --log-format json run --detach --bundle "$4" --pid-file "$5" "$6" </dev/null >/dev/null 2>&1 || exit 90
[ -n "$7" ] || exit 0
pid=$(cat "$5") || exit 91
if [ -e "/sys/class/net/$7" ]; then ip link del "$7" 2>/dev/null; fi
${hostSideBatch('"$7"', '"/proc/$pid/ns/net"', '"$8"')} | ip -batch - || exit 92
printf '%s' "$9" | nsenter --net="/proc/$pid/ns/net" -- ip -batch - || exit 93
`;

export async function startSandbox(ctx: RuntimeContext, rec: SandboxRecord, config: SandboxConfig): Promise<void> {
  const dir = ctx.layout.sandboxDir(rec.id);
  await mkdir(join(dir, 'bundle'), { recursive: true });
  rec.cgroupDirs = [];
  await saveSandbox(ctx, rec);
  try {
    await ensurePauseRootfs(ctx);
    if (!config.hostNetwork) rec.ips = [await ctx.ipam.allocate(rec.id)];
    await saveSandbox(ctx, rec);
    await writePodFiles(join(dir, 'etc'), config, rec.ips[0]);
    const spec = pauseSpec({
      rootfs: ctx.layout.pauseRootfs, hostname: config.hostname, hostNetwork: config.hostNetwork,
      cgroupsPath: cgroupsPathFor(ctx.cgroupMode, ctx.cgroupParent, rec.id, 'pause'),
    });
    await writeJson(join(dir, 'bundle', 'config.json'), spec);
    const pidFile = join(dir, 'pause.pid');
    const log = join(dir, 'runc.log');
    const cidr = config.hostNetwork ? undefined : ctx.ipam.configured;
    const veth = cidr ? vethName(rec.id) : '';
    // A crash from here on leaves a veth to clean up under this name.
    if (veth) { rec.veth = 'pending'; await saveSandbox(ctx, rec); }
    // One process for the pause and its network: each spawn blocks the agent's event loop for
    // the fork of a large process, which dominated starting many pods at once.
    const started = await run('/bin/sh', ['-c', START_SANDBOX, 'sh', ctx.tools.runc, ctx.layout.runcRoot, log, join(dir, 'bundle'), pidFile, rec.id,
      veth, ctx.bridge, cidr ? podSideBatch(cidr, rec.ips[0]!) : '']);
    if (started.code === 90) {
      const msgs = (await readFile(log, 'utf8').catch(() => '')).split('\n').flatMap((l) => {
        try { return [(JSON.parse(l) as { msg?: string }).msg ?? '']; } catch { return []; }
      });
      throw new RuntimeError(`starting the pod sandbox: ${msgs.filter(Boolean).join('; ') || `runc exited with ${started.code}`}`);
    }
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '0')).trim());
    if (pid > 0) rec.pause = await procRef(pid);
    // Recorded before anything else can fail, so cleanup finds the pod's cgroups.
    if (rec.pause) rec.cgroupDirs = parentsOf(await cgroupDirsOf(pid));
    if (started.code !== 0) {
      throw new RuntimeError(`${started.code === 92 ? 'creating the pod veth pair' : 'configuring the pod network'}: ${cleanMessage(started.stderr) || `exit ${started.code}`}`);
    }
    if (!rec.pause) throw new Error(`the pod sandbox's pause process (pid ${pid}) ended at once`);
    if (veth) rec.veth = veth;
    rec.state = 'ready';
    await saveSandbox(ctx, rec);
  } catch (e) {
    await stopSandbox(ctx, rec).catch(() => undefined);
    await removeSandboxFiles(ctx, rec).catch(() => undefined);
    throw e;
  }
}

/** Kills the pause (after the containers, which the caller stops first) and releases the network. */
export async function stopSandbox(ctx: RuntimeContext, rec: SandboxRecord): Promise<void> {
  const errors: string[] = [];
  if (rec.pause) {
    await signalProc(rec.pause, 'SIGKILL');
    if (!(await waitGone(rec.pause, 5000))) errors.push(`pause process ${rec.pause.pid} did not die`);
  }
  await runcDelete(ctx, rec.id).catch((e: Error) => errors.push(e.message));
  const veth = rec.veth === 'pending' ? vethName(rec.id) : rec.veth;
  await detachPod(veth).catch((e: Error) => errors.push(e.message));
  for (const ip of rec.ips) await ctx.ipam.release(ip, rec.id).catch((e: Error) => errors.push(e.message));
  if (errors.length) throw new Error(`stopping sandbox ${rec.id}: ${errors.join('; ')}`);
  rec.ips = [];
  rec.veth = undefined;
  rec.state = 'notready';
  await saveSandbox(ctx, rec).catch(() => undefined);
}

/** Removes what the sandbox left on disk and in the cgroup trees; the caller removed its containers. */
export async function removeSandboxFiles(ctx: RuntimeContext, rec: SandboxRecord): Promise<void> {
  const left = await removeCgroupDirs(rec.cgroupDirs);
  // The shared `berth` parents go too once no pod uses them; a busy one is simply kept.
  for (const parent of parentsOf(rec.cgroupDirs)) await rmdir(parent).catch(() => undefined);
  await removeTree(rec.logDir);
  await removeTree(ctx.layout.sandboxDir(rec.id));
  if (left.length) throw new Error(`sandbox ${rec.id}: cgroups still busy: ${left.join(', ')}`);
}

/** The pause's state as runc sees it (for diagnostics and adoption checks). */
export async function pauseStatus(ctx: RuntimeContext, id: string): Promise<string | undefined> {
  const r = await runc(ctx, ['state', id]);
  if (r.code !== 0) return undefined;
  return (JSON.parse(r.stdout) as { status?: string }).status;
}
