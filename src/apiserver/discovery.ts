// API discovery documents, aggregated (v2, v2beta1) and legacy, built from the resource table.
import { ALL_RESOURCES, type ResourceType } from '../core/index.js';

const SUBRESOURCE_VERBS: Record<string, readonly string[]> = {
  status: ['get', 'patch', 'update'], scale: ['get', 'patch', 'update'], binding: ['create'],
  log: ['get'], exec: ['create', 'get'], attach: ['create', 'get'], portforward: ['create', 'get'],
  eviction: ['create'], proxy: ['create', 'delete', 'get', 'patch', 'update'],
};
const SUBRESOURCE_KIND: Record<string, { group: string; version: string; kind: string }> = {
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  binding: { group: '', version: 'v1', kind: 'Binding' },
  eviction: { group: 'policy', version: 'v1', kind: 'Eviction' },
  log: { group: '', version: 'v1', kind: 'Pod' }, exec: { group: '', version: 'v1', kind: 'PodExecOptions' },
  attach: { group: '', version: 'v1', kind: 'PodAttachOptions' }, portforward: { group: '', version: 'v1', kind: 'PodPortForwardOptions' },
  proxy: { group: '', version: 'v1', kind: 'NodeProxyOptions' },
};

interface GroupVersion { group: string; version: string; resources: ResourceType[] }

export function groupVersions(): GroupVersion[] {
  const out: GroupVersion[] = [];
  for (const r of ALL_RESOURCES) {
    let gv = out.find((g) => g.group === r.group && g.version === r.version);
    if (!gv) out.push(gv = { group: r.group, version: r.version, resources: [] });
    gv.resources.push(r);
  }
  return out;
}

const gvString = (g: { group: string; version: string }) => (g.group ? `${g.group}/${g.version}` : g.version);

function aggregatedResource(r: ResourceType) {
  return {
    resource: r.plural,
    responseKind: { group: '', version: '', kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: [...r.verbs],
    ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
    ...(r.categories.length ? { categories: [...r.categories] } : {}),
    ...(r.subresources.length ? {
      subresources: r.subresources.map((s) => ({
        subresource: s,
        responseKind: SUBRESOURCE_KIND[s] ?? { group: '', version: '', kind: r.kind },
        verbs: [...SUBRESOURCE_VERBS[s]],
      })),
    } : {}),
  };
}

/** `/api` (core=true) or `/apis` as an APIGroupDiscoveryList. */
export function aggregatedDiscovery(core: boolean, version: 'v2' | 'v2beta1'): unknown {
  const byGroup = new Map<string, GroupVersion[]>();
  for (const gv of groupVersions()) {
    if ((gv.group === '') !== core) continue;
    byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv]);
  }
  return {
    kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {},
    items: [...byGroup.entries()].map(([group, gvs]) => ({
      metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
      versions: gvs.map((gv) => ({ version: gv.version, resources: gv.resources.map(aggregatedResource), freshness: 'Current' })),
    })),
  };
}

export function legacyApiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(group: string) {
  const versions = groupVersions().filter((g) => g.group === group)
    .map((g) => ({ groupVersion: gvString(g), version: g.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function legacyGroupList(): unknown {
  const groups = [...new Set(groupVersions().filter((g) => g.group).map((g) => g.group))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(apiGroup) };
}

export function legacyGroup(group: string): unknown | undefined {
  if (!groupVersions().some((g) => g.group === group && group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) };
}

export function legacyResourceList(group: string, version: string): unknown | undefined {
  const gv = groupVersions().find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const resources: unknown[] = [];
  for (const r of gv.resources) {
    resources.push({
      name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs],
      ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
      ...(r.categories.length ? { categories: [...r.categories] } : {}),
    });
    for (const s of r.subresources) {
      const k = SUBRESOURCE_KIND[s];
      resources.push({
        name: `${r.plural}/${s}`, singularName: '', namespaced: r.namespaced,
        ...(k && k.group ? { group: k.group, version: k.version } : {}),
        kind: k?.kind ?? r.kind, verbs: [...SUBRESOURCE_VERBS[s]],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gvString(gv), resources };
}
