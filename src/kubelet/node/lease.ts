// The node's heartbeat: Lease kube-node-lease/<node> (upstream kubelet nodelease controller).
// holderIdentity = node name, leaseDurationSeconds = 40, renewTime renewed every renewIntervalMs
// (10 s = a quarter of the duration), owned by the Node so it goes when the Node goes. A failed
// renewal is retried at 200 ms doubling to 7 s; a missing lease is created again.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { isNotFound, Leases, type KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import { microTime, sleep, type Clock, type Logger } from '../../controller-runtime/index.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;

type LeaseObject = Lease & KubeObject;

export interface LeaseLoop {
  readonly nodeName: string;
  readonly nodeUid?: string;
  readonly renewIntervalMs: number;
}

async function renew(client: ApiClient, loop: LeaseLoop, clock: Clock): Promise<void> {
  const key = { namespace: NODE_LEASE_NAMESPACE, name: loop.nodeName };
  const spec = { holderIdentity: loop.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(clock.now()) };
  let current: LeaseObject;
  try {
    current = await client.get<LeaseObject>(Leases, key);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    const owner = loop.nodeUid ? [{ apiVersion: 'v1', kind: 'Node', name: loop.nodeName, uid: loop.nodeUid }] : undefined;
    await client.create<LeaseObject>(Leases, {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { ...key, ...(owner ? { ownerReferences: owner } : {}) }, spec,
    });
    return;
  }
  await client.update<LeaseObject>(Leases, { ...current, spec: { ...current.spec, ...spec } });
}

export async function runLease(client: ApiClient, loop: LeaseLoop, clock: Clock, logger: Logger, signal: AbortSignal): Promise<void> {
  let retryMs = 200;
  while (!signal.aborted) {
    try {
      await renew(client, loop, clock);
      retryMs = 200;
      if (!(await sleep(clock, loop.renewIntervalMs, signal))) return;
    } catch (error) {
      if (signal.aborted) return;
      logger.error('node agent: lease renewal failed; retrying', { node: loop.nodeName, error });
      await sleep(clock, retryMs, signal);
      retryMs = Math.min(retryMs * 2, 7000);
    }
  }
}
