// Contract: can this machine run the linux runtime? preflight() checks each requirement and
// returns one entry per problem with a human message and the exact command that fixes it; an
// empty list means ready. The CLI prints them and suggests `--runtime sim` meanwhile.
import { access, constants, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { cgroupMode } from './cgroups.js';

export interface PreflightProblem {
  readonly what: string;
  readonly message: string;
  /** A command that fixes it, when there is one. */
  readonly fix?: string;
}

const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/libexec/podman'];

/** Absolute path of an executable found in PATH (plus the sbin dirs), or undefined. */
export async function findProgram(name: string): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS].filter(Boolean);
  for (const d of dirs) {
    const p = join(d, name);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return undefined;
}

const APT = 'apt-get install -y --no-install-recommends';

/** Debian packages the linux runtime needs, by the program each provides. */
export const RUNTIME_PACKAGES: Readonly<Record<string, string>> = {
  runc: 'runc', conmon: 'conmon', catatonit: 'catatonit', ip: 'iproute2', nsenter: 'util-linux', unshare: 'util-linux', mount: 'mount',
  script: 'bsdutils', stty: 'coreutils',
  // Services: the node's proxy programs nftables; local-block volumes need loop devices and ext4 tools.
  nft: 'nftables', losetup: 'mount', mke2fs: 'e2fsprogs', resize2fs: 'e2fsprogs',
};

export async function preflight(): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = [];
  if (process.platform !== 'linux') {
    return [{ what: 'os', message: `the linux runtime needs Linux (this is ${process.platform})` }];
  }
  if (process.getuid?.() !== 0) {
    problems.push({ what: 'root', message: 'the linux runtime creates namespaces, cgroups, mounts and network links: run berth as root', fix: 'sudo berth up --runtime linux' });
  }
  const missing: string[] = [];
  for (const [prog, pkg] of Object.entries(RUNTIME_PACKAGES)) {
    if (!(await findProgram(prog)) && !missing.includes(pkg)) missing.push(pkg);
  }
  if (missing.length) {
    problems.push({ what: 'packages', message: `missing programs from: ${missing.join(', ')}`, fix: `${APT} ${missing.join(' ')}` });
  }
  const fs = await readFile('/proc/filesystems', 'utf8').catch(() => '');
  if (!/\toverlay$/m.test(fs)) {
    problems.push({ what: 'overlayfs', message: 'the kernel has no overlay filesystem loaded (container root filesystems need it)', fix: 'modprobe overlay' });
  }
  const mode = await cgroupMode();
  if (mode === 'none') {
    problems.push({ what: 'cgroups', message: 'no cgroup filesystem is mounted under /sys/fs/cgroup', fix: 'mount -t cgroup2 none /sys/fs/cgroup' });
  } else if (mode !== 'v2') {
    const v1 = await readFile('/proc/self/cgroup', 'utf8').catch(() => '');
    for (const c of ['memory', 'cpu', 'pids']) {
      if (!new RegExp(`^\\d+:[^:]*\\b${c}\\b`, 'm').test(v1)) {
        problems.push({ what: 'cgroups', message: `the cgroup v1 "${c}" controller is not mounted (limits need it)` });
      }
    }
  }
  return problems;
}

/** The problems as the CLI prints them. */
export function formatPreflight(problems: readonly PreflightProblem[]): string {
  return problems.map((p) => `- ${p.message}${p.fix ? `\n  fix: ${p.fix}` : ''}`).join('\n');
}
