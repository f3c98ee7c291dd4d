// `kubectl get svc`: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, + SELECTOR wide.
import type { Service } from 'kubernetes-types/core/v1.js';
import { formatLabels } from '../../../core/index.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, NAME_COLUMN, type Obj } from '../printing.js';

/** Load-balancer ingress IPs (or hostnames), de-duplicated and sorted. */
function loadBalancerAddresses(svc: Service): string[] {
  const set = new Set<string>();
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  return [...set].sort();
}

/** The EXTERNAL-IP cell; the server prints it unclipped (its tables are always "wide"). */
function externalIP(svc: Service): string {
  const external = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case 'ClusterIP': case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc);
      if (external.length) return [...lb, ...external].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

function ports(svc: Service): string {
  const s = (svc.spec?.ports ?? [])
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`))
    .join(',');
  return s || '<none>';
}

export const serviceTable: TableSpec<Obj<Service>> = {
  columns: [
    NAME_COLUMN,
    column('Type', 'ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'The virtual IP of the service.'),
    column('External-IP', 'Addresses the service is reachable on from outside.'),
    column('Port(s)', 'Service ports, with node ports when allocated.'),
    AGE_COLUMN,
    column('Selector', 'Labels of the pods the service routes to.', { wide: true }),
  ],
  row(svc, now) {
    // The v1 conversion makes spec.clusterIP authoritative over clusterIPs[0].
    const clusterIP = svc.spec?.clusterIP || svc.spec?.clusterIPs?.[0] || '<none>';
    return [
      svc.metadata?.name ?? '', svc.spec?.type ?? '', clusterIP, externalIP(svc), ports(svc), age(svc, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};
