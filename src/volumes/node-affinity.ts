// Whether a PV may be used on a node: its required node affinity against the node's labels
// (upstream CheckNodeAffinity / MatchNodeSelectorTerms). Terms are ORed, a term's
// requirements ANDed; a term with no requirements matches nothing.
import type { NodeSelectorRequirement, NodeSelectorTerm } from 'kubernetes-types/core/v1.js';
import type { PersistentVolumeObject } from './objects.js';

type Labels = Readonly<Record<string, string>>;

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': case 'Lt': {
      // Go parses both sides as int64; anything unparseable never matches.
      if (value === undefined || values.length !== 1 || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0]!)) return false;
      const have = BigInt(value), want = BigInt(values[0]!);
      return r.operator === 'Gt' ? have > want : have < want;
    }
    default: return false;
  }
}

/** One node selector term against a node's labels and name (also the scheduler's). */
export function termMatches(term: NodeSelectorTerm, labels: Labels, nodeName: string): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  for (const r of exprs) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    if (!requirementMatches(r, has ? labels[r.key] : undefined)) return false;
  }
  // metadata.name is the only field a node selector may use.
  for (const r of fields) if (r.key !== 'metadata.name' || !requirementMatches(r, nodeName)) return false;
  return true;
}

/** True when the PV has no required node affinity or the node satisfies one of its terms. */
export function volumeFitsNode(pv: PersistentVolumeObject, labels: Labels, nodeName = ''): boolean {
  const required = pv.spec?.nodeAffinity?.required;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t, labels, nodeName));
}
