// The FailedScheduling message, in upstream's shape (framework FitError.Error plus the
// DefaultPreemption post-filter):
//   0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu.
//   preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling,
//   2 No preemption victims found for incoming pod.
// The filter part counts every reason of every node ("<n> <reason>") and sorts the strings;
// a pre-filter failure replaces it with its one message. Berth does not preempt: nodes that
// failed on something preemption could fix (resources, anti-affinity, ports) are reported as
// having no victims, the others as "not helpful" — what upstream says when no lower-priority
// pod would make room.

export interface NodeFailure {
  readonly reasons: readonly string[];
  /** Preemption could in principle help (upstream status Unschedulable, not ...AndUnresolvable). */
  readonly resolvable: boolean;
}

export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';
const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
const NO_VICTIMS = 'No preemption victims found for incoming pod';

function histogram(counts: Map<string, number>): string {
  return [...counts].map(([reason, n]) => `${n} ${reason}`).sort().join(', ');
}

export function fitErrorMessage(opts: {
  readonly nodeCount: number;
  readonly preFilterMessage?: string;
  readonly failures: readonly NodeFailure[];
  readonly preemptionPolicy?: string;
}): string {
  const { nodeCount } = opts;
  let msg = `0/${nodeCount} nodes are available:`;
  if (opts.preFilterMessage) {
    msg += ` ${opts.preFilterMessage}.`;
  } else {
    const counts = new Map<string, number>();
    for (const f of opts.failures) for (const r of f.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    if (counts.size) msg += ` ${histogram(counts)}.`;
  }
  if (opts.preemptionPolicy === 'Never') return `${msg} preemption: not eligible due to preemptionPolicy=Never.`;
  const post = new Map<string, number>();
  const resolvable = opts.preFilterMessage ? 0 : opts.failures.filter((f) => f.resolvable).length;
  if (nodeCount - resolvable > 0) post.set(NOT_HELPFUL, nodeCount - resolvable);
  if (resolvable > 0) post.set(NO_VICTIMS, resolvable);
  return `${msg} preemption: 0/${nodeCount} nodes are available: ${histogram(post)}.`;
}
