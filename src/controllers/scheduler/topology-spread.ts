// Pod topology spread constraints with whenUnsatisfiable DoNotSchedule (upstream
// PodTopologySpread filter): for each constraint, count the pods its selector matches in each
// domain (nodes sharing the topologyKey value) among the nodes the pod could use by its node
// affinity; placing the pod in a domain must keep that domain within maxSkew of the emptiest.
// A node without the topologyKey label cannot take the pod. ScheduleAnyway constraints, and
// minDomains / matchLabelKeys, are not looked at (the default spreading score covers the
// common case).
import type { Node, Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { labelSelectorAsSelector } from '../../core/index.js';
import type { NodeInfo } from './cache.js';
import { podMatchesNode } from './node-selector.js';

export const SPREAD_MISMATCH = "node(s) didn't match pod topology spread constraints";
export const SPREAD_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";

export interface SpreadState {
  filter(node: Node): { reason: string; resolvable: boolean } | undefined;
}

const PASS: SpreadState = { filter: () => undefined };

export function spreadState(pod: Pod, nodes: readonly NodeInfo[]): SpreadState {
  const hard = (pod.spec?.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
  if (!hard.length) return PASS;
  const ns = pod.metadata?.namespace;
  const eligible = nodes.filter((n) => n.node && podMatchesNode(pod, n.node));
  const compiled = hard.map((c: TopologySpreadConstraint) => {
    const selector = labelSelectorAsSelector(c.labelSelector);
    const counts = new Map<string, number>();
    for (const n of eligible) {
      const domain = n.node!.metadata?.labels?.[c.topologyKey];
      if (domain === undefined) continue;
      let matching = 0;
      for (const p of n.pods.values()) if (p.pod.metadata?.namespace === ns && selector.matches(p.pod.metadata?.labels)) matching++;
      counts.set(domain, (counts.get(domain) ?? 0) + matching);
    }
    const min = counts.size ? Math.min(...counts.values()) : 0;
    return { c, counts, min, self: selector.matches(pod.metadata?.labels) ? 1 : 0 };
  });
  return {
    filter(node) {
      const labels = node.metadata?.labels ?? {};
      for (const { c } of compiled) if (labels[c.topologyKey] === undefined) return { reason: SPREAD_MISSING_LABEL, resolvable: false };
      for (const { c, counts, min, self } of compiled) {
        const skew = (counts.get(labels[c.topologyKey]!) ?? 0) + self - min;
        if (skew > c.maxSkew) return { reason: SPREAD_MISMATCH, resolvable: true };
      }
      return undefined;
    },
  };
}
