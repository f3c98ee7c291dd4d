// namespaces/{name}/finalize: the namespace controller's way to clear spec.finalizers.
import type { KubeObject } from '../../core/index.js';
import type { ApiRequest } from '../request.js';
import type { HandlerContext } from './context.js';
import { dryRunParam } from './params.js';

export async function handleFinalize(ctx: HandlerContext, req: ApiRequest): Promise<KubeObject> {
  const wanted = ((req.body as KubeObject | undefined)?.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
  return ctx.registry.guaranteedUpdate(req.type, undefined, req.name!, (ns) => {
    const spec = (ns.spec ??= {}) as { finalizers?: string[] };
    if (wanted.length) spec.finalizers = [...wanted]; else delete spec.finalizers;
    return ns;
  }, { user: req.user, dryRun: dryRunParam(req.query), subresource: 'finalize' });
}
