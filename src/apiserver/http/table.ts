// Server-side printing: objects → meta.k8s.io Table, as kubectl get expects.
import type { KubeObject } from '../../core/index.js';
import type { ResourceStrategy } from '../registry/strategy.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectParam(v: string | undefined): IncludeObject {
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

export function partialMetadata(obj: KubeObject, version = 'v1'): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

export function toTable(strategy: ResourceStrategy, objs: readonly KubeObject[], opts: {
  now: Date; version: string; include: IncludeObject; resourceVersion?: string; continue?: string; withColumns?: boolean;
}): KubeObject {
  const rows = objs.map((obj) => {
    const row: Record<string, unknown> = { cells: strategy.table.row(obj, opts.now) };
    if (opts.include === 'Metadata') row.object = partialMetadata(obj, opts.version);
    else if (opts.include === 'Object') row.object = obj;
    return row;
  });
  const metadata: Record<string, string> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  return {
    kind: 'Table', apiVersion: `meta.k8s.io/${opts.version}`, metadata,
    columnDefinitions: opts.withColumns === false ? null : strategy.table.columns.map((c) => ({
      name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0,
    })),
    rows,
  };
}
