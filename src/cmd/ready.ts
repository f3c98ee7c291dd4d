// Waiting until the node agents have registered Ready nodes, so `berth up` prints its line only
// once pods can run.
import { Nodes, type KubeObject } from '../core/index.js';
import type { ApiClient } from '../client/index.js';

function isReady(node: KubeObject): boolean {
  const conditions = (node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Resolves with the Ready nodes once every named one is Ready. */
export async function waitForNodes(client: ApiClient, names: readonly string[], timeoutMs: number): Promise<KubeObject[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const nodes = (await client.list(Nodes)).items;
    const ready = new Set(nodes.filter(isReady).map((n) => n.metadata?.name));
    if (names.every((n) => ready.has(n))) return nodes.filter((n) => names.includes(n.metadata?.name ?? ''));
    if (Date.now() > deadline) throw new Error(`node(s) not Ready after ${timeoutMs / 1000}s: ${names.filter((n) => !ready.has(n)).join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
