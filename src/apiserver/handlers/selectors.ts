// labelSelector / fieldSelector query parameters → one predicate over objects.
import {
  convertFieldSelector, formatLabelSelector, parseFieldSelector, parseSelector, type KubeObject,
} from '../../core/index.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { ApiRequest } from '../request.js';
import type { HandlerContext } from './context.js';

/** What selectorFilter gives when the request has no selector: watches then skip filtering. */
export const MATCH_ALL = (): boolean => true;

export function selectorFilter(ctx: HandlerContext, req: ApiRequest): (obj: KubeObject) => boolean {
  const strategy = ctx.registry.strategy(req.type);
  const labels = req.query.labelSelector ? parseSelector(req.query.labelSelector) : undefined;
  const fields = req.query.fieldSelector
    ? convertFieldSelector(parseFieldSelector(req.query.fieldSelector), strategy.fieldLabels)
    : undefined;
  if ((!labels || labels.empty()) && (!fields || fields.empty())) return MATCH_ALL;
  return (obj) => {
    if (labels && !labels.matches(obj.metadata?.labels)) return false;
    if (fields && !fields.empty()) {
      const attrs = {
        'metadata.name': obj.metadata?.name ?? '',
        'metadata.namespace': obj.metadata?.namespace ?? '',
        ...strategy.selectableFields(obj),
      };
      if (!fields.matches(attrs)) return false;
    }
    return true;
  };
}

/** The label selector of a workload in its string form (Scale status.selector). */
export function labelSelectorString(sel: unknown): string {
  return formatLabelSelector(sel as LabelSelector | undefined);
}
