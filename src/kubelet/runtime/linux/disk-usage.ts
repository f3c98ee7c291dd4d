// Runtime.podDiskUsage for the linux runtime: what a pod's containers write to the node's disk
// outside their volumes. A container's writable layer is its overlay upper directory
// (containers/<id>/upper, visible on the host although the overlay itself is mounted only in
// conmon's private namespace); its log is the CRI log file of that attempt; the pod's
// /etc/hosts is the newest sandbox's. Measured du-style (allocated blocks), as the kubelet does.
import { join } from 'node:path';
import { diskUsage } from '../../disk-usage.js';
import type { ContainerDiskUsage, PodDiskUsage } from '../types.js';
import type { RuntimeContext } from './context.js';
import { refreshContainer } from './container.js';

export async function podDiskUsage(ctx: RuntimeContext, podUid: string): Promise<PodDiskUsage> {
  const containers: ContainerDiskUsage[] = [];
  for (const c of [...ctx.containers.values()]) {
    if (c.podUid !== podUid) continue;
    await refreshContainer(ctx, c);
    containers.push({
      id: c.id, name: c.name, attempt: c.attempt, state: c.state,
      writableLayerBytes: await diskUsage(join(ctx.layout.containerDir(c.id), 'upper')),
      logBytes: await diskUsage(c.logPath),
    });
  }
  let newest: { id: string; attempt: number } | undefined;
  for (const s of ctx.sandboxes.values()) if (s.podUid === podUid && (!newest || s.attempt > newest.attempt)) newest = s;
  const etcHostsBytes = newest ? await diskUsage(join(ctx.layout.sandboxDir(newest.id), 'etc', 'hosts')) : 0;
  return { containers, etcHostsBytes };
}
