// pods/binding: the scheduler's way to assign a pod to a node (once).
import { badRequest, conflict, type KubeObject } from '../../core/index.js';
import { rfc3339 } from '../registry/meta.js';
import type { ApiRequest } from '../request.js';
import type { HandlerContext } from './context.js';
import { dryRunParam } from './params.js';

interface Binding { metadata?: { name?: string }; target?: { kind?: string; name?: string } }
interface PodCondition { type: string; status: string; lastTransitionTime?: string; lastProbeTime?: string | null }

export async function handleBinding(ctx: HandlerContext, req: ApiRequest): Promise<KubeObject> {
  const binding = req.body as Binding | undefined;
  const node = binding?.target?.name;
  if (!node) throw badRequest('Binding target name is required');
  if (binding?.target?.kind && binding.target.kind !== 'Node') throw badRequest(`Binding target kind must be Node, not ${binding.target.kind}`);
  const name = req.name!;
  await ctx.registry.guaranteedUpdate(req.type, req.namespace, name, (pod) => {
    const spec = pod.spec as { nodeName?: string };
    if (pod.metadata?.deletionTimestamp) throw conflict('pods/binding', '', name, `pod ${name} is being deleted, cannot be assigned to a host`);
    if (spec.nodeName) throw conflict('pods/binding', '', name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = node;
    const status = (pod.status ??= {}) as { conditions?: PodCondition[] };
    const conditions = (status.conditions ??= []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(ctx.registry.now()) });
    status.conditions = conditions;
    return pod;
  }, { user: req.user, dryRun: dryRunParam(req.query), subresource: 'binding' });
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}
