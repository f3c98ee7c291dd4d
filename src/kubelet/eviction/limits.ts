// Local ephemeral storage limits of a pod and the decision whether its usage breaks them
// (upstream pkg/kubelet/eviction eviction_manager.go localStorageEviction and its three checks,
// with helpers.go's messages). Pure: a pod spec and usage numbers in, an eviction or nothing out.
//
// Checked in upstream's order, the first that holds wins:
// 1. emptyDir: a measured emptyDir with a positive sizeLimit uses more than it;
// 2. pod: the pod's ephemeral-storage limit (the sum of its containers' limits, as PodLimits
//    computes it) is below everything the pod uses (containers' writable layers and logs, local
//    ephemeral volumes, /etc/hosts);
// 3. container: a regular container with a non-zero ephemeral-storage limit uses more (its
//    writable layer and its logs; images share the node's filesystem, so the layer counts).
import type { Container, Pod, Volume } from 'kubernetes-types/core/v1.js';
import { Quantity, tryParseQuantity } from '../../core/index.js';
import type { PodDiskUsage } from '../runtime/index.js';

/** The pod's status reason (and the event's) for every kubelet eviction. */
export const EVICTED_REASON = 'Evicted';
/** Upstream's signals for these evictions (its eviction metrics' labels). */
export type LocalStorageSignal = 'emptydirfs.limit' | 'ephemeralpodfs.limit' | 'ephemeralcontainerfs.limit';

export interface LocalStorageEviction {
  readonly signal: LocalStorageSignal;
  readonly message: string;
}

export interface ContainerStorageUsage {
  /** The running container's writable layer. */
  readonly rootfsBytes: number;
  /** Every log file of the container (all attempts still on disk). */
  readonly logsBytes: number;
}

export interface PodStorageUsage {
  /** By volume name; a volume that was not measured (not set up yet) is absent. */
  readonly volumes: ReadonlyMap<string, number>;
  /** Running containers (regular, init and sidecars) by name. */
  readonly containers: ReadonlyMap<string, ContainerStorageUsage>;
  /** Everything the pod takes of the node's ephemeral storage. */
  readonly totalBytes: number;
}

// Go's %q of a quantity or a DNS label: no character in them needs more than quoting.
const q = (s: string) => JSON.stringify(s);
export const emptyDirMessage = (volume: string, limit: Quantity) => `Usage of EmptyDir volume ${q(volume)} exceeds the limit ${q(limit.toString())}. `;
export const containerMessage = (container: string, limit: Quantity) => `Container ${container} exceeded its local ephemeral storage limit ${q(limit.toString())}. `;
export const podMessage = (limit: Quantity) => `Pod ephemeral local storage usage exceeds the total limit of containers ${limit.toString()}. `;

const EPHEMERAL_STORAGE = 'ephemeral-storage';

const limitOf = (c: Container): Quantity | undefined =>
  tryParseQuantity((c.resources?.limits as Record<string, string> | undefined)?.[EPHEMERAL_STORAGE]);

const bytes = (n: number) => Quantity.of(BigInt(Math.round(n)), 0, 'BinarySI');

/** emptyDirs backed by the node's disk: the ones whose usage is measured (Memory ones are tmpfs, sized already). */
export const isDiskEmptyDir = (v: Volume): boolean => v.emptyDir !== undefined && (v.emptyDir.medium ?? '') === '';

/** Volumes that live on the node's ephemeral storage (upstream IsLocalEphemeralVolume). */
export function localEphemeralVolumes(pod: Pod): string[] {
  return (pod.spec?.volumes ?? []).filter((v) => isDiskEmptyDir(v) || v.configMap !== undefined || v.gitRepo !== undefined).map((v) => v.name);
}

/**
 * The pod's ephemeral-storage limit as upstream's PodLimits sums it: regular containers and
 * sidecars add up; a plain init container counts with the sidecars started before it, and the
 * largest of those wins if larger; pod overhead is added to a limit that exists. Undefined when
 * no container has one.
 */
export function podEphemeralStorageLimit(pod: Pod): Quantity | undefined {
  let limit: Quantity | undefined;
  const add = (a: Quantity | undefined, b: Quantity | undefined) => (a && b ? a.add(b) : (a ?? b));
  for (const c of pod.spec?.containers ?? []) limit = add(limit, limitOf(c));
  let sidecars: Quantity | undefined;
  let initMax: Quantity | undefined;
  for (const c of pod.spec?.initContainers ?? []) {
    const own = limitOf(c);
    let candidate: Quantity | undefined;
    if (c.restartPolicy === 'Always') {
      limit = add(limit, own);
      sidecars = add(sidecars, own);
      candidate = sidecars;
    } else {
      candidate = add(own, sidecars);
    }
    if (candidate && (!initMax || candidate.cmp(initMax) > 0)) initMax = candidate;
  }
  if (initMax && (!limit || initMax.cmp(limit) > 0)) limit = initMax;
  const overhead = tryParseQuantity((pod.spec?.overhead as Record<string, string> | undefined)?.[EPHEMERAL_STORAGE]);
  if (limit && overhead) limit = limit.add(overhead);
  return limit;
}

/** Whether any check can apply: pods without limits need not be measured at all. */
export function hasLocalStorageLimits(pod: Pod): boolean {
  const diskLimit = (pod.spec?.volumes ?? []).some((v) => isDiskEmptyDir(v) && (tryParseQuantity(v.emptyDir?.sizeLimit)?.sign() ?? 0) > 0);
  return diskLimit || podEphemeralStorageLimit(pod) !== undefined;
}

/**
 * The usage the checks read, from what was measured: volumes by name, and the runtime's
 * per-container figures. As upstream's stats, only running containers count (the writable
 * layer of the running attempt, the logs of every attempt of that name).
 */
export function podStorageUsage(pod: Pod, volumes: ReadonlyMap<string, number>, disk: PodDiskUsage): PodStorageUsage {
  const logs = new Map<string, number>();
  for (const c of disk.containers) logs.set(c.name, (logs.get(c.name) ?? 0) + c.logBytes);
  const containers = new Map<string, ContainerStorageUsage>();
  for (const c of disk.containers) {
    if (c.state !== 'running') continue;
    const before = containers.get(c.name);
    containers.set(c.name, { rootfsBytes: (before?.rootfsBytes ?? 0) + c.writableLayerBytes, logsBytes: logs.get(c.name) ?? 0 });
  }
  let totalBytes = disk.etcHostsBytes;
  for (const c of containers.values()) totalBytes += c.rootfsBytes + c.logsBytes;
  for (const name of localEphemeralVolumes(pod)) totalBytes += volumes.get(name) ?? 0;
  return { volumes, containers, totalBytes };
}

export function localStorageEviction(pod: Pod, usage: PodStorageUsage): LocalStorageEviction | undefined {
  for (const v of pod.spec?.volumes ?? []) {
    if (!v.emptyDir) continue;
    const size = tryParseQuantity(v.emptyDir.sizeLimit);
    const used = usage.volumes.get(v.name);
    if (used !== undefined && size && size.sign() > 0 && bytes(used).cmp(size) > 0) {
      return { signal: 'emptydirfs.limit', message: emptyDirMessage(v.name, size) };
    }
  }
  const podLimit = podEphemeralStorageLimit(pod);
  if (podLimit && bytes(usage.totalBytes).cmp(podLimit) > 0) return { signal: 'ephemeralpodfs.limit', message: podMessage(podLimit) };
  for (const c of pod.spec?.containers ?? []) {
    const limit = limitOf(c);
    const used = usage.containers.get(c.name);
    if (!limit || limit.value() === 0n || !used) continue;
    if (limit.cmp(bytes(used.rootfsBytes + used.logsBytes)) < 0) return { signal: 'ephemeralcontainerfs.limit', message: containerMessage(c.name, limit) };
  }
  return undefined;
}

/**
 * Pods the kubelet never evicts (upstream IsCriticalPod): static and mirror pods, and those of
 * system-critical priority (2000000000 and above).
 */
export function isCriticalPod(pod: Pod): boolean {
  const a = pod.metadata?.annotations ?? {};
  const source = a['kubernetes.io/config.source'];
  if ((source !== undefined && source !== 'api') || a['kubernetes.io/config.mirror'] !== undefined) return true;
  return (pod.spec?.priority ?? 0) >= 2_000_000_000;
}
