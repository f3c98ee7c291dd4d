// Node selection terms (upstream component-helpers nodeaffinity): a pod's nodeSelector and
// required node affinity, its preferred terms for scoring, and a PV's node affinity.
// Terms are ORed, a term's requirements ANDed; a term without requirements matches nothing;
// matchFields knows only metadata.name. Gt/Lt compare integers; unparseable never matches.
import type { Node, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from 'kubernetes-types/core/v1.js';
import { nodeSelectorTermMatches } from '../../volumes/index.js';

type Labels = Readonly<Record<string, string>>;

// One term's semantics are shared with PV node affinity (src/volumes).
export const termMatches = (term: NodeSelectorTerm, labels: Labels, nodeName: string): boolean =>
  nodeSelectorTermMatches(term, labels, nodeName);

export function termsMatch(terms: readonly NodeSelectorTerm[], labels: Labels, nodeName: string): boolean {
  return terms.some((t) => termMatches(t, labels, nodeName));
}

const labelsOf = (node: Node): Labels => node.metadata?.labels ?? {};

/** nodeSelector and required node affinity together (the NodeAffinity filter). */
export function podMatchesNode(pod: Pod, node: Node): boolean {
  const labels = labelsOf(node);
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return termsMatch(required.nodeSelectorTerms ?? [], labels, node.metadata?.name ?? '');
}

/** Sum of the weights of the preferred terms the node matches (NodeAffinity score, before normalising). */
export function preferredNodeAffinityScore(pod: Pod, node: Node): number {
  const preferred: readonly PreferredSchedulingTerm[] = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  let sum = 0;
  for (const p of preferred) if (p.weight && termMatches(p.preference, labelsOf(node), node.metadata?.name ?? '')) sum += p.weight;
  return sum;
}

/** A PV's required node affinity against a node (absent = any node). */
export function volumeFitsNode(pv: { spec?: { nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } } } }, node: Node): boolean {
  const required = pv.spec?.nodeAffinity?.required;
  if (!required) return true;
  return termsMatch(required.nodeSelectorTerms ?? [], labelsOf(node), node.metadata?.name ?? '');
}
