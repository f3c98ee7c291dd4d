// Registration and node status (upstream kubelet registerWithAPIServer + updateNodeStatus).
//
// - register(): create the Node; if it exists (agent restart, or someone created it), keep it
//   and reconcile what the kubelet owns: its default labels, podCIDR if unset, and the status.
//   Retries with backoff until the API answers or the signal aborts.
// - runNodeStatus(): every intervalMs recompute the status; post it when something other than
//   heartbeat times changed, or when reportIntervalMs passed since the last post (upstream's
//   nodeStatusUpdateFrequency 10 s / nodeStatusReportFrequency 5 min; the Lease is the
//   heartbeat in between).
import type { Node } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists, isConflict, isNotFound, Nodes, type KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import { sleep, type Clock, type Logger } from '../../controller-runtime/index.js';
import { initialNode, nodeStatus, statusFingerprint, type NodeIdentity } from './node-object.js';

type NodeObject = Node & KubeObject;

export async function register(client: ApiClient, id: NodeIdentity, clock: Clock, logger: Logger, signal: AbortSignal): Promise<NodeObject | undefined> {
  for (let delay = 200; !signal.aborted; delay = Math.min(delay * 2, 7000)) {
    try {
      return await registerOnce(client, id, clock);
    } catch (error) {
      logger.error('node agent: registration failed; retrying', { node: id.name, error });
      await sleep(clock, delay, signal);
    }
  }
  return undefined;
}

async function registerOnce(client: ApiClient, id: NodeIdentity, clock: Clock): Promise<NodeObject> {
  try {
    return await client.create<NodeObject>(Nodes, initialNode(id, clock.now()) as NodeObject);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
  for (;;) {
    const existing = await client.get<NodeObject>(Nodes, { name: id.name });
    const labels = { ...(existing.metadata?.labels ?? {}), ...id.labels };
    const spec = { ...(existing.spec ?? {}) };
    if (!spec.podCIDR && id.podCIDR) { spec.podCIDR = id.podCIDR; spec.podCIDRs = [id.podCIDR]; }
    try {
      const updated = await client.update<NodeObject>(Nodes, { ...existing, metadata: { ...existing.metadata, labels }, spec });
      return await client.updateStatus<NodeObject>(Nodes, { ...updated, status: nodeStatus(id, updated.status, clock.now()) });
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
}

export interface NodeStatusLoop {
  readonly intervalMs: number;
  readonly reportIntervalMs: number;
}

export async function runNodeStatus(client: ApiClient, id: NodeIdentity, loop: NodeStatusLoop, clock: Clock, logger: Logger,
  signal: AbortSignal): Promise<void> {
  let lastPosted = clock.now();
  let lastPrint = '';
  while (await sleep(clock, loop.intervalMs, signal)) {
    try {
      const node = await client.get<NodeObject>(Nodes, { name: id.name });
      const next = nodeStatus(id, node.status, clock.now());
      const print = statusFingerprint(next);
      if (print === statusFingerprint(node.status) && print === lastPrint && clock.now() - lastPosted < loop.reportIntervalMs) continue;
      await client.updateStatus<NodeObject>(Nodes, { ...node, status: next });
      lastPosted = clock.now();
      lastPrint = print;
    } catch (error) {
      if (signal.aborted) return;
      // A deleted Node is not recreated (upstream neither): the agent keeps its pods running.
      logger.error(isNotFound(error) ? 'node agent: the Node object is gone' : 'node agent: status update failed', { node: id.name, error });
    }
  }
}
