// Contract: pure builders of OCI runtime-spec config.json documents (runtime-spec 1.0.2, what
// runc 1.1 reads) for the pause process and for app containers. No I/O: inputs in, JSON out.
// Defaults follow what containerd and CRI-O give Kubernetes containers: their default
// capability set, masked and read-only /proc paths, a private /dev with the standard nodes, and
// nothing seccomp-related (Kubernetes' default is Unconfined).

/** The capability set CRI runtimes grant by default (names as in the OCI spec). */
export const DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** Every capability the spec names (kernel 5.9+ set), in kernel bit order: what `privileged` grants. */
export const ALL_CAPS = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT',
  'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE',
  'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ',
  'PERFMON', 'BPF', 'CHECKPOINT_RESTORE',
].map((c) => `CAP_${c}`);

const MASKED = ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'];
const READONLY = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Kubernetes spells capabilities without the prefix (NET_ADMIN); the spec with it. `ALL` = every one. */
/**
 * `bounding` is the agent's own bounding set (CapBnd): a capability outside it cannot be given
 * to a container (runc fails with EPERM), so it is left out, as other runtimes do.
 */
export function effectiveCaps(add: readonly string[] = [], drop: readonly string[] = [], privileged = false, bounding?: bigint): string[] {
  const held = (c: string) => { const bit = ALL_CAPS.indexOf(c); return bounding === undefined || (bit >= 0 && ((bounding >> BigInt(bit)) & 1n) === 1n); };
  return capsBeforeBounding(add, drop, privileged).filter(held);
}

function capsBeforeBounding(add: readonly string[], drop: readonly string[], privileged: boolean): string[] {
  if (privileged) return [...ALL_CAPS];
  const norm = (c: string) => { const u = c.trim().toUpperCase(); return u.startsWith('CAP_') ? u : `CAP_${u}`; };
  const drops = new Set(drop.map(norm));
  let caps = drops.has('CAP_ALL') ? [] : DEFAULT_CAPS.filter((c) => !drops.has(c));
  for (const a of add.map(norm)) {
    if (a === 'CAP_ALL') caps = [...ALL_CAPS];
    else if (!caps.includes(a)) caps.push(a);
  }
  return caps;
}

export interface OciMount { destination: string; type: string; source: string; options?: string[] }
export interface OciNamespace { type: string; path?: string }
export interface Resources { memoryLimitBytes?: number; cpuShares?: number; cpuQuota?: number; cpuPeriod?: number; pidsLimit?: number }

function baseMounts(privileged: boolean): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'] },
  ];
}

function resourcesOf(r: Resources | undefined, privileged: boolean, swapLimit = true): Record<string, unknown> {
  const out: Record<string, unknown> = { devices: [{ allow: privileged, access: 'rwm' }] };
  // swap = limit: no swap on top of the limit (Kubernetes' rule), where the kernel accounts swap at all.
  if (r?.memoryLimitBytes) out.memory = swapLimit ? { limit: r.memoryLimitBytes, swap: r.memoryLimitBytes } : { limit: r.memoryLimitBytes };
  const cpu: Record<string, number> = {};
  if (r?.cpuShares) cpu.shares = r.cpuShares;
  if (r?.cpuQuota) { cpu.quota = r.cpuQuota; cpu.period = r.cpuPeriod ?? 100_000; }
  if (Object.keys(cpu).length) out.cpu = cpu;
  if (r?.pidsLimit) out.pids = { limit: r.pidsLimit };
  return out;
}

/** The pause: catatonit -P as PID 1 of new namespaces; `hostNetwork` keeps the node's net and UTS. */
export function pauseSpec(o: { rootfs: string; hostname: string; hostNetwork: boolean; cgroupsPath: string }): object {
  const ns: OciNamespace[] = [{ type: 'pid' }, { type: 'ipc' }, { type: 'mount' }];
  if (!o.hostNetwork) ns.push({ type: 'uts' }, { type: 'network' });
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false, user: { uid: 0, gid: 0 }, args: ['/catatonit', '-P'], cwd: '/', env: ['PATH=/'],
      capabilities: { bounding: [], effective: [], permitted: [], inheritable: [] }, noNewPrivileges: true,
    },
    root: { path: o.rootfs, readonly: true },
    ...(o.hostNetwork ? {} : { hostname: o.hostname }),
    mounts: baseMounts(false).slice(0, 2),
    linux: { namespaces: ns, cgroupsPath: o.cgroupsPath, resources: resourcesOf(undefined, false), maskedPaths: MASKED, readonlyPaths: READONLY },
  };
}

export interface ContainerSpecInput {
  rootfs: string;
  readonlyRootfs: boolean;
  args: string[];
  env: string[];
  cwd: string;
  user: { uid: number; gid: number; additionalGids: number[] };
  terminal: boolean;
  /** Namespaces of the pause to join; a new mount namespace is always added (built from the host's). */
  join: OciNamespace[];
  /** /etc/hosts, /etc/hostname, /etc/resolv.conf of the pod. */
  etcFiles: Array<{ name: string; path: string }>;
  volumes: Array<{ containerPath: string; hostPath: string; readOnly: boolean }>;
  caps: string[];
  privileged: boolean;
  resources?: Resources;
  cgroupsPath: string;
  /** false when the kernel has no swap accounting (v1 without memory.memsw.*): runc must not be given a swap limit. */
  swapAccounting?: boolean;
}

export function containerSpec(i: ContainerSpecInput): object {
  const mounts = baseMounts(i.privileged);
  for (const f of i.etcFiles) mounts.push({ destination: `/etc/${f.name}`, type: 'bind', source: f.path, options: ['rbind', 'rprivate', 'rw'] });
  for (const v of i.volumes) {
    mounts.push({ destination: v.containerPath, type: 'bind', source: v.hostPath, options: ['rbind', 'rprivate', v.readOnly ? 'ro' : 'rw'] });
  }
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: i.terminal, user: i.user, args: i.args, env: i.env, cwd: i.cwd,
      capabilities: { bounding: i.caps, effective: i.caps, permitted: i.caps, inheritable: [] },
      noNewPrivileges: false,
    },
    root: { path: i.rootfs, readonly: i.readonlyRootfs },
    mounts,
    linux: {
      namespaces: [...i.join, { type: 'mount' }],
      cgroupsPath: i.cgroupsPath,
      resources: resourcesOf(i.resources, i.privileged, i.swapAccounting !== false),
      ...(i.privileged ? {} : { maskedPaths: MASKED, readonlyPaths: READONLY }),
    },
  };
}
